"""The one way the trainer reports bad input: a stage and a message naming the cause."""


class TrainingFailure(Exception):
    """Ends the run with {"event": "error", "stage": ..., "message": ...} and exit code 2.

    Stages, in order: spec, read_data, preprocess, validate, split, fit, save.
    """

    def __init__(self, stage, message):
        super().__init__(message)
        self.stage = stage
        self.message = message
