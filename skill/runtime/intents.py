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
#: One partner saying who is speaking ("this is Sam"), to bind a recognized voice to a name.
INTRODUCE = "IntroduceIntent"

# Question games
PLAY_GAME = "PlayGameIntent"
CLOSE = "CloseIntent"
PASS = "PassIntent"
SCORE = "ScoreIntent"
END_GAME = "EndGameIntent"
REMATCH = "RematchIntent"
HOW_TO_PLAY = "HowToPlayIntent"

# Gratitude, the shape of an evening, the nightly ritual, and forgetting
GRATITUDE = "GratitudeIntent"
SWAP = "SwapIntent"
SHORT_ON_TIME = "ShortOnTimeIntent"
SURPRISE = "SurpriseIntent"
WEEK_RECAP = "WeekRecapIntent"
SET_REMINDER = "SetReminderIntent"
CHANGE_REMINDER = "ChangeReminderIntent"
CANCEL_REMINDER = "CancelReminderIntent"
#: Asking about the reminder ("when is our reminder") must never change it.
REMINDER_STATUS = "ReminderStatusIntent"
DELETE_DATA = "DeleteDataIntent"

# Listening exercises
LISTENING = "ListeningExerciseIntent"
CUE = "ReadyIntent"
SKIP_STEP = "SkipStepIntent"
MORE_TIME = "MoreTimeIntent"
BREAK = "TakeBreakIntent"
ME_FIRST = "MeFirstIntent"
GOES_FIRST = "GoesFirstIntent"
YOU_CHOOSE = "YouChooseIntent"
#: How the couple likes to be left to talk after a question: held open, or closed.
TALK_TIME = "TalkTimeIntent"

# The weekly check-in and mornings
#: "How are we doing?": the weekly check-in (a game in play hears it as the score).
CHECK_IN = "WeeklyCheckInIntent"
#: "How have we been doing?": the closeness trend over the weeks, together.
CHECK_IN_TREND = "CheckInTrendIntent"
#: A closeness number from one to five ("about a four"), asked for during the check-in.
CLOSENESS = "ClosenessIntent"
#: "Before we head out": the two-minute parting ritual.
MORNING = "MorningRitualIntent"
#: "Good morning", "good evening", "hello there": a greeting for the hour, and the offer.
HELLO = "HelloIntent"

# Closing the evening ("thanks, that was lovely"): a goodbye, not a stop mid-task
GOODBYE = "GoodbyeIntent"

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
SLOT_EXERCISE = "exercise"
SLOT_SPEAKER = "speaker"
SLOT_TIME = "time"
SLOT_DAY_PART = "dayPart"
SLOT_GAME = "game"
SLOT_LENGTH = "length"
SLOT_NAME = "name"
SLOT_STYLE = "style"
SLOT_CLOSENESS = "closeness"

#: The theme slot value that clears a theme preference ("any theme", "surprise us").
ANY_THEME = "any"

# The thirty-six (an evening of questions that climbs) and a repair talk after a disagreement
THIRTY_SIX = "ThirtySixIntent"
REPAIR = "RepairIntent"
#: How the thirty-six is paced: ``all`` three sets tonight, or ``nightly``, one set a night.
SLOT_PACE = "pace"
# Multi-night journeys: one step a night (a question and a small practice)
START_JOURNEY = "StartJourneyIntent"
LIST_JOURNEYS = "ListJourneysIntent"
#: "Where are we in our journey": says the night reached, never changes it.
JOURNEY_STATUS = "JourneyStatusIntent"
RESTART_JOURNEY = "RestartJourneyIntent"
STOP_JOURNEY = "StopJourneyIntent"
SLOT_JOURNEY = "journey"
