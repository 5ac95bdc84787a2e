// The speaker simulator page: type or click, show and speak the answer, count down silences.
// The server does the talking to the skill (/simulator/say) and makes speech
// (/simulator/audio, gTTS); when that answers an error, the browser's own voice speaks.
// Each utterance says which device it is spoken to and whose voice Alexa recognized; a
// response's APL screen (its datasource, as the server extracts it) is drawn beside the orb.
// The suggested phrases come with every answer (and the state): ones that fit where the
// conversation is now. Only the transcript scrolls; the speaker and the input stay put.
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const els = {
    speaker: $("speaker"), status: $("status"), countdown: $("countdown"), skip: $("skip"),
    answer: $("answer"), form: $("say-form"), input: $("utterance"), say: $("say"),
    quiet: $("quiet"), chips: $("chips"), allPhrases: $("all-phrases"),
    transcript: $("transcript"), empty: $("transcript-empty"), clock: $("clock"),
    nextNight: $("next-night"), heard: $("heard"), session: $("session"), night: $("night-id"),
    voice: $("voice"), mute: $("mute"), household: $("household"), request: $("request"),
    response: $("response"), newCouple: $("new-couple"), screen: $("screen"),
  };
  const screenParts = {};
  for (const part of ["title", "text", "timer", "footer"]) {
    screenParts[part] = els.screen.querySelector(".s-" + part);
  }

  const TOKEN_KEY = "heart-to-heart.simulator.token";
  const MUTE_KEY = "heart-to-heart.simulator.muted";
  const DEVICE_KEY = "heart-to-heart.simulator.device";
  const VOICE_KEY = "heart-to-heart.simulator.voice";
  const STATUS = {
    idle: "Say something to begin",
    thinking: "…",
    speaking: "Speaking",
    listening: "Listening — your turn",
    closed: "Session closed",
    silence: "Your time to talk",
  };

  let token = localStorage.getItem(TOKEN_KEY) || document.body.dataset.token || newToken();
  localStorage.setItem(TOKEN_KEY, token);
  let sessionOpen = false;
  let playback = 0; // bumped to cancel whatever is playing
  let skipSilence = null;
  let audioContext = null;
  let currentAudio = null;

  els.mute.checked = localStorage.getItem(MUTE_KEY) === "1";
  choose("device", localStorage.getItem(DEVICE_KEY) || "");
  choose("voice", localStorage.getItem(VOICE_KEY) || "");

  function chosen(name) {
    const input = document.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function choose(name, value) {
    const input = document.querySelector(
      'input[name="' + name + '"][value="' + CSS.escape(value) + '"]'
    );
    if (input) input.checked = true;
  }

  function scrolling() {
    return window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
  }

  function voiceLabel(voice) {
    return voice ? "voice " + voice.toUpperCase() : "";
  }

  function newToken() {
    const bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // --- talking to the server ---------------------------------------------------------------

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      // The server refuses a POST without the token it put in this page (CSRF).
      headers: { "Content-Type": "application/json", "X-Heart-CSRF": document.body.dataset.csrf },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || "HTTP " + response.status);
    return data;
  }

  // Speaking over the skill interrupts it, as it does on a real speaker.
  async function say(text) {
    stopPlayback();
    setBusy(true);
    setState("thinking");
    let turn;
    try {
      turn = await post("/simulator/say", {
        token, text, screen: chosen("device"), voice: chosen("voice"),
      });
      showTurn(turn);
      showState(turn);
    } catch (error) {
      setState(sessionOpen ? "listening" : "idle");
      els.status.textContent = "Something went wrong: " + error.message;
      return;
    } finally {
      setBusy(false);
    }
    await play(turn);
  }

  async function nextNight() {
    stopPlayback();
    setBusy(true);
    try {
      const state = await post("/simulator/next-night", { token });
      sessionOpen = false;
      addDivider(formatClock(state.clock, state.time_zone, true));
      showState(state);
      setState("idle");
    } catch (error) {
      els.status.textContent = "Something went wrong: " + error.message;
    } finally {
      setBusy(false);
    }
  }

  async function loadState() {
    try {
      const response = await fetch("/simulator/state?token=" + encodeURIComponent(token));
      if (response.ok) showState(await response.json());
    } catch (error) {
      /* the page still works; the panel fills in on the first turn */
    }
  }

  // --- showing --------------------------------------------------------------------------

  function setBusy(busy) {
    for (const el of [els.say, els.quiet, els.nextNight]) el.disabled = busy;
    for (const chip of document.querySelectorAll("button.chip")) chip.disabled = busy;
    document.body.dataset.busy = busy ? "1" : "0";
  }

  function setState(state) {
    els.speaker.dataset.state = state;
    if (state === "idle" && sessionOpen === false && els.transcript.children.length) {
      els.status.textContent = STATUS.closed;
    } else {
      els.status.textContent = STATUS[state] || "";
    }
  }

  function segmentNodes(segments) {
    const nodes = [];
    for (const segment of segments) {
      if (segment.kind === "speech") {
        // "[voice A's name]" stands where Alexa would say a recognized speaker's name.
        for (const [i, part] of segment.text.split(/(\[[^\]]+'s name\])/).entries()) {
          if (i % 2 === 0) {
            nodes.push(document.createTextNode(part));
          } else {
            const name = document.createElement("span");
            name.className = "name";
            name.textContent = part;
            nodes.push(name);
          }
        }
        nodes.push(document.createTextNode(" "));
      } else if (segment.kind === "silence") {
        const pause = document.createElement("span");
        pause.className = "pause";
        pause.textContent = "silence " + clockText(segment.seconds);
        nodes.push(pause, document.createTextNode(" "));
      } else if (segment.kind === "sound") {
        const sound = document.createElement("span");
        sound.className = "sound";
        sound.textContent = "(" + (segment.name || "sound") + ") ";
        nodes.push(sound);
      }
    }
    return nodes;
  }

  function addEntry(who, nodes, extraClass, voice) {
    els.empty.hidden = true;
    const li = document.createElement("li");
    li.className = who;
    const bubble = document.createElement("div");
    bubble.className = "bubble" + (extraClass ? " " + extraClass : "");
    const label = document.createElement("span");
    label.className = "who";
    label.textContent = who === "you" ? "You" : "Alexa";
    if (voice) {
      label.textContent += " · " + voiceLabel(voice);
      li.dataset.voice = voice;
    }
    bubble.append(label, ...nodes);
    li.append(bubble);
    els.transcript.append(li);
    toLatest();
    return li;
  }

  function addMarker(className, text) {
    const li = document.createElement("li");
    li.className = className;
    const span = document.createElement("span");
    span.textContent = text;
    li.append(span);
    els.transcript.append(li);
    toLatest();
  }

  // The transcript scrolls inside itself, never the page (which would take the speaker away).
  // Scrolled to its end, it stays there when the panes around it change size.
  let atLatest = true;
  function toLatest() {
    atLatest = true;
    els.transcript.scrollTo({ top: els.transcript.scrollHeight, behavior: scrolling() });
  }
  els.transcript.addEventListener("scroll", () => {
    const t = els.transcript;
    atLatest = t.scrollTop + t.clientHeight >= t.scrollHeight - 8;
  });
  let seenHeight = 0; // the transcript's height when last measured
  if (window.ResizeObserver) {
    new ResizeObserver(() => {
      const t = els.transcript;
      // At the end before it shrank (a scroll event may already have seen the new height)?
      if (atLatest || t.scrollTop + seenHeight >= t.scrollHeight - 8) t.scrollTop = t.scrollHeight;
      seenHeight = t.clientHeight;
    }).observe(els.transcript);
  }

  function addDivider(text) {
    els.empty.hidden = true;
    addMarker("divider", "Next night · " + text);
  }

  function showTurn(turn) {
    if (turn.said.trim()) {
      addEntry("you", [document.createTextNode(turn.said)], "", turn.voice);
    } else {
      addEntry("you", [document.createTextNode("(stays quiet)")], "quiet", turn.voice);
    }
    if (turn.screen) showScreen(turn.screen);
    els.answer.replaceChildren(...segmentNodes(turn.segments));
    if (turn.segments.length) {
      const entry = addEntry("alexa", segmentNodes(turn.segments));
      entry.dataset.testid = "alexa-turn";
    }
    const wasOpen = sessionOpen;
    sessionOpen = turn.session_open;
    if (!sessionOpen && (wasOpen || turn.segments.length)) addMarker("closed", "session closed");
    els.request.textContent = turn.request ? JSON.stringify(turn.request, null, 2) : "–";
    els.response.textContent = turn.response ? JSON.stringify(turn.response, null, 2) : "–";
    els.heard.textContent = heardAs(turn);
  }

  function heardAs(turn) {
    const request = turn.request && turn.request.request;
    if (!request) return turn.silent_turn ? "silence" : "–";
    if (request.type !== "IntentRequest") return request.type;
    const slots = Object.values(request.intent.slots || {})
      .map((slot) => slot.name + "=" + slot.value)
      .join(", ");
    return request.intent.name + (slots ? " (" + slots + ")" : "");
  }

  // The device's screen: hidden for a speaker; blank until the skill sends a document.
  function showDevice(device) {
    els.screen.hidden = !device;
    if (device && els.screen.dataset.shape !== device) {
      els.screen.dataset.shape = device;
      els.screen.dataset.empty = "1";
    }
  }

  function showScreen(preview) {
    for (const [part, el] of Object.entries(screenParts)) el.textContent = preview[part] || "";
    els.screen.dataset.empty = "0";
    els.screen.dataset.long = preview.long ? "1" : "0";
    els.screen.dataset.title = preview.title ? "1" : "0";
    for (const [name, color] of Object.entries(preview.colors || {})) {
      els.screen.style.setProperty("--apl-" + name, color);
    }
  }

  function showState(state) {
    sessionOpen = state.session_open;
    els.session.textContent = state.session_open ? "open" : "closed";
    els.night.textContent = state.night + (state.nights_ahead ? "  (+" + state.nights_ahead + ")" : "");
    els.clock.textContent = formatClock(state.clock, state.time_zone, false);
    els.household.textContent = JSON.stringify(state.household || {}, null, 2);
    if (state.suggestions) showSuggestions(state.suggestions);
    toLatest(); // new chips (or a new screen) may have made the transcript shorter
  }

  // What to say next, for where the conversation is (the server picks them).
  function showSuggestions(suggestions) {
    const items = (suggestions.chips || []).map((chip) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "chip " + (chip.kind || "custom");
      button.dataset.text = chip.text;
      if (chip.intent) button.title = chip.intent;
      button.textContent = chip.text;
      button.disabled = document.body.dataset.busy === "1";
      li.append(button);
      return li;
    });
    els.chips.replaceChildren(...items);
    els.chips.dataset.context = suggestions.context || "";
    els.chips.scrollLeft = 0;
  }

  function formatClock(iso, timeZone, dateOnly) {
    const options = dateOnly
      ? { weekday: "long", month: "long", day: "numeric", timeZone }
      : { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone };
    try {
      return new Date(iso).toLocaleString(undefined, options);
    } catch (error) {
      return iso;
    }
  }

  function clockText(seconds) {
    const s = Math.max(0, Math.ceil(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  // --- playing ----------------------------------------------------------------------------

  function stopPlayback() {
    playback += 1;
    if (currentAudio) {
      currentAudio.pause();
      currentAudio = null;
    }
    if (window.speechSynthesis) window.speechSynthesis.cancel();
    if (skipSilence) skipSilence();
    els.countdown.hidden = true;
    els.skip.hidden = true;
  }

  async function play(turn) {
    const mine = ++playback;
    for (const segment of turn.segments) {
      if (mine !== playback) return;
      if (segment.kind === "speech") {
        setState("speaking");
        await speak(segment.spoken || segment.text, mine);
      } else if (segment.kind === "silence") {
        await countdown(segment.seconds, mine);
      } else if (segment.kind === "sound") {
        await chime();
      }
    }
    if (mine === playback) setState(sessionOpen ? "listening" : "idle");
  }

  function within(promise, ms) {
    return Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms))]);
  }

  function speakingTime(text) {
    return 1500 + text.split(/\s+/).length * 420;
  }

  async function speak(text, mine) {
    if (els.mute.checked) {
      els.voice.textContent = "muted";
      return;
    }
    let url = null;
    try {
      const response = await fetch("/simulator/audio?text=" + encodeURIComponent(text));
      if (response.ok) url = URL.createObjectURL(await response.blob());
    } catch (error) {
      url = null;
    }
    if (mine !== playback) return;
    if (url) {
      els.voice.textContent = "server (gTTS)";
      document.body.dataset.voice = "server";
      try {
        await within(playUrl(url), speakingTime(text) + 4000);
        return;
      } catch (error) {
        /* the browser couldn't play it: fall through to its own voice */
      } finally {
        URL.revokeObjectURL(url);
      }
    }
    els.voice.textContent = "browser (speechSynthesis)";
    document.body.dataset.voice = "browser";
    await within(browserVoice(text), speakingTime(text));
  }

  function playUrl(url) {
    return new Promise((resolve, reject) => {
      const audio = new Audio(url);
      currentAudio = audio;
      audio.addEventListener("ended", () => resolve());
      audio.addEventListener("pause", () => resolve());
      audio.addEventListener("error", () => reject(new Error("audio")));
      audio.play().catch(reject);
    });
  }

  function browserVoice(text) {
    return new Promise((resolve) => {
      if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) return resolve();
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = document.documentElement.lang || "en-US";
      utterance.rate = 0.95;
      utterance.onend = () => resolve();
      utterance.onerror = () => resolve();
      window.speechSynthesis.speak(utterance);
    });
  }

  function countdown(seconds, mine) {
    return new Promise((resolve) => {
      const end = performance.now() + seconds * 1000;
      setState("silence");
      els.countdown.hidden = false;
      els.skip.hidden = false;
      let timer = null;
      const finish = () => {
        clearInterval(timer);
        skipSilence = null;
        els.countdown.hidden = true;
        els.skip.hidden = true;
        els.speaker.style.setProperty("--progress", "0");
        resolve();
      };
      skipSilence = finish;
      const tick = () => {
        if (mine !== playback) return finish();
        const left = Math.max(0, (end - performance.now()) / 1000);
        els.countdown.textContent = clockText(left);
        els.speaker.style.setProperty("--progress", String(1 - left / seconds));
        if (left <= 0) finish();
      };
      tick();
      timer = setInterval(tick, 200);
    });
  }

  function chime() {
    if (els.mute.checked) return Promise.resolve();
    try {
      audioContext = audioContext || new (window.AudioContext || window.webkitAudioContext)();
      const now = audioContext.currentTime;
      for (const [frequency, delay] of [[784, 0], [1175, 0.12]]) {
        const osc = audioContext.createOscillator();
        const gain = audioContext.createGain();
        osc.type = "sine";
        osc.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, now + delay);
        gain.gain.exponentialRampToValueAtTime(0.18, now + delay + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, now + delay + 1.4);
        osc.connect(gain).connect(audioContext.destination);
        osc.start(now + delay);
        osc.stop(now + delay + 1.5);
      }
    } catch (error) {
      /* no audio: the transcript shows the chime */
    }
    return new Promise((resolve) => setTimeout(resolve, 1200));
  }

  // --- wiring -----------------------------------------------------------------------------

  els.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = els.input.value.trim();
    if (!text) return;
    els.input.value = "";
    say(text);
  });
  els.quiet.addEventListener("click", () => say(""));
  for (const list of [els.chips, els.allPhrases]) {
    list.addEventListener("click", (event) => {
      const chip = event.target.closest("button.chip");
      if (chip && !chip.disabled) say(chip.dataset.text);
    });
  }
  els.nextNight.addEventListener("click", nextNight);
  for (const input of document.querySelectorAll('input[name="device"]')) {
    input.addEventListener("change", () => {
      localStorage.setItem(DEVICE_KEY, chosen("device"));
      showDevice(chosen("device"));
    });
  }
  for (const input of document.querySelectorAll('input[name="voice"]')) {
    input.addEventListener("change", () => localStorage.setItem(VOICE_KEY, chosen("voice")));
  }
  els.skip.addEventListener("click", () => skipSilence && skipSilence());
  els.mute.addEventListener("change", () => {
    localStorage.setItem(MUTE_KEY, els.mute.checked ? "1" : "0");
    if (els.mute.checked) stopPlayback();
  });
  els.newCouple.addEventListener("click", () => {
    stopPlayback();
    token = newToken();
    localStorage.setItem(TOKEN_KEY, token);
    els.transcript.replaceChildren();
    els.empty.hidden = false;
    els.answer.replaceChildren();
    els.screen.dataset.empty = "1";
    sessionOpen = false;
    setState("idle");
    loadState();
  });

  showDevice(chosen("device"));

  window.heartSimulator = { say, nextNight, play, token: () => token };
  loadState();
})();
