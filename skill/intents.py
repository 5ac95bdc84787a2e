"""Intent names shared by the interaction model, the handlers and the flows."""

from __future__ import annotations

# Tonight's question
TONIGHT = "TonightQuestionIntent"
ANOTHER = "AnotherQuestionIntent"
FOLLOW_UP = "FollowUpIntent"
SAVE_FAVOURITE = "SaveFavouriteIntent"
PLAY_FAVOURITE = "PlayFavouriteIntent"
LAST_NIGHT = "LastNightQuestionIntent"
SET_DEPTH = "SetDepthIntent"
QUESTION_ABOUT = "QuestionAboutIntent"

# Names and voices
SET_NAMES = "SetNamesIntent"
FORGET_NAMES = "ForgetNamesIntent"

# Amazon's standard built-ins, all of which the skill answers
HELP = "AMAZON.HelpIntent"
STOP = "AMAZON.StopIntent"
CANCEL = "AMAZON.CancelIntent"
FALLBACK = "AMAZON.FallbackIntent"
NAVIGATE_HOME = "AMAZON.NavigateHomeIntent"
YES = "AMAZON.YesIntent"
NO = "AMAZON.NoIntent"
REPEAT = "AMAZON.RepeatIntent"
NEXT = "AMAZON.NextIntent"
PREVIOUS = "AMAZON.PreviousIntent"
PAUSE = "AMAZON.PauseIntent"
RESUME = "AMAZON.ResumeIntent"
START_OVER = "AMAZON.StartOverIntent"

BUILT_INS = (
    HELP,
    STOP,
    CANCEL,
    FALLBACK,
    NAVIGATE_HOME,
    YES,
    NO,
    REPEAT,
    NEXT,
    PREVIOUS,
    PAUSE,
    RESUME,
    START_OVER,
)

# Slot names
SLOT_DEPTH = "depth"
SLOT_THEME = "theme"
SLOT_NAME_ONE = "nameOne"
SLOT_NAME_TWO = "nameTwo"

#: The theme slot value that clears a theme preference ("any theme", "surprise us").
ANY_THEME = "any"
