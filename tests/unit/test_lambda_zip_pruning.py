"""What the zip builder leaves out: packages the Lambda path never imports, and modules of
ask-sdk-model that no import and no type name can reach (the deserializer imports classes by
the dotted names in its type maps, so those names count as imports)."""

from __future__ import annotations

from pathlib import Path

from skill.tools.deploy.lambda_zip import UNUSED_FILES, drop_unused, prune, reachable_modules


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_unused_packages_go_with_their_metadata_and_the_rest_stays(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "requests/__init__.py": "",
            "requests-2.34.2.dist-info/METADATA": "",
            "charset_normalizer/__init__.py": "",
            "urllib3/__init__.py": "",
            "ask_sdk_core/__init__.py": "",
            "six.py": "",
            UNUSED_FILES[0]: "",
            "dateutil/parser.py": "",
        },
    )
    drop_unused(tmp_path)
    left = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert left == {"ask_sdk_core/__init__.py", "six.py", "dateutil/parser.py"}


MODEL = {
    "lambda_function.py": "from model.request_envelope import RequestEnvelope\n",
    "model/__init__.py": "from .request_envelope import RequestEnvelope\n",
    "model/request_envelope.py": (
        "class RequestEnvelope:\n    deserialized_types = {'request': 'model.request.Request'}\n"
    ),
    "model/request.py": (
        "class Request:\n"
        "    discriminator_value_class_map = {\n"
        "        'Alexa.Presentation.APL.UserEvent': 'model.apl.user_event.UserEvent'}\n"
    ),
    "model/apl/__init__.py": "from .user_event import UserEvent\nfrom .render import Render\n",
    "model/apl/user_event.py": "class UserEvent: ...\n",
    "model/apl/render.py": "class Render: ...\n",
    "model/pay/__init__.py": "from .charge import Charge\n",
    "model/pay/charge.py": "class Charge: ...\n",
    "model/services/__init__.py": "",
    "model/services/lists.py": "from ..pay import charge\n",
}


def test_a_module_is_kept_when_an_import_or_a_type_name_reaches_it(tmp_path: Path) -> None:
    _write(tmp_path, MODEL)
    kept = reachable_modules(tmp_path, "model")
    # Imported, named by a type map, or beside a named module in a package that imports it.
    assert {"model", "model.request", "model.apl.user_event", "model.apl.render"} <= kept
    assert not {"model.pay", "model.pay.charge", "model.services.lists"} & kept


def test_pruning_removes_only_what_nothing_reaches(tmp_path: Path) -> None:
    _write(tmp_path, MODEL)
    dropped = prune(tmp_path, "model")
    assert dropped == ["model.pay", "model.pay.charge", "model.services", "model.services.lists"]
    assert not (tmp_path / "model" / "pay").exists()
    assert (tmp_path / "model" / "apl" / "render.py").is_file()
