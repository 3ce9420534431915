"""The live voice pipeline: wake gate, utterance, decoder, replier and the state machine
that drives them (see docs/architecture.md, "Voice: microphone to device change")."""
