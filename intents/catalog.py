"""What each intent asks for, in words, so a request Hearth cannot carry out yet gets an honest
reply ("Sorry, I can't set timers yet") instead of a vague one or a wrong action.

Recognition understands every intent of home-assistant-intents; carrying one out is the
planner's job. Until a planner handles an intent, the conversation answers with ``not_yet``.
"""

from __future__ import annotations

# Intent → what the user asked for, as the end of "Sorry, I can't … yet".
ABILITIES: dict[str, str] = {
    "HassStartTimer": "set timers",
    "HassCancelTimer": "cancel timers",
    "HassCancelAllTimers": "cancel timers",
    "HassPauseTimer": "pause timers",
    "HassUnpauseTimer": "resume timers",
    "HassIncreaseTimer": "add time to timers",
    "HassDecreaseTimer": "take time off timers",
    "HassTimerStatus": "tell you how long a timer has left",
    "HassShoppingListAddItem": "keep a shopping list",
    "HassShoppingListCompleteItem": "keep a shopping list",
    "HassListAddItem": "add things to lists",
    "HassListCompleteItem": "check things off lists",
    "HassListRemoveItem": "remove things from lists",
    "HassMediaSearchAndPlay": "search for music or videos to play",
    "HassMediaPlayerMute": "mute media players",
    "HassMediaPlayerUnmute": "unmute media players",
    "HassGetWeather": "tell you the weather",
    "HassBroadcast": "broadcast messages",
    "HassRespond": "answer that",
    "HassFanSetSpeed": "set fan speeds",
    "HassClimateSetFanMode": "change a thermostat's fan mode",
    "HassVacuumCleanArea": "clean just one room",
    "HassLawnMowerStartMowing": "start a lawn mower",
    "HassLawnMowerDock": "dock a lawn mower",
    "HearthClimateStep": "change the temperature by steps",
}


def not_yet(intent: str) -> str:
    """The reply for a recognized request that nothing carries out yet."""
    ability = ABILITIES.get(intent)
    if ability is None:
        return "Sorry, I can't do that yet"
    return f"Sorry, I can't {ability} yet"
