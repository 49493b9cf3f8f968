"""Pattern recognizers of the privacy layer (see :mod:`privacy.recognizers.build`). Importing this package
loads nothing heavy: Presidio comes with the recognizer modules themselves."""
