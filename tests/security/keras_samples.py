"""Keras samples made by Keras itself: run by a Keras 3 interpreter (not the project's), as

    KERAS_BACKEND=torch python tests/security/keras_samples.py FOLDER

Each model carries a lambda that creates MARKER in the current folder when it runs. Keras calls
a Lambda layer's function while building the model, so saving already runs it (in FOLDER) and
`keras.saving.load_model(path, safe_mode=False)` runs it again on the victim's side; a lambda
loss runs when the loaded model is evaluated. test_keras_samples.py proves each one live in a
throwaway process, then checks that openness reports it.
"""

from __future__ import annotations

import os
import sys

MARKER = "openness-marker"

#: sample file -> what the victim does after loading it
AFTER_LOAD = {
    "lambda_layer.keras": "",
    "lambda_layer.h5": "",
    "wrapped_lambda.keras": "",
    "wrapped_lambda.h5": "",
    "lambda_loss.keras": "evaluate",
}


def main(folder: str) -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    os.chdir(folder)
    # the marker's name is a literal: a marshalled lambda keeps no globals of this module
    touch = lambda x: (open("openness-marker", "w").close(), x)[1]  # noqa: E731
    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(touch, name="boom")])
    model.save("lambda_layer.keras")
    model.save("lambda_layer.h5")  # legacy HDF5: the lambda's bytecode in model_config
    wrapped = keras.Sequential(
        [keras.Input((3, 2)), keras.layers.TimeDistributed(keras.layers.Lambda(touch))]
    )
    wrapped.save("wrapped_lambda.keras")
    wrapped.save("wrapped_lambda.h5")
    loss = lambda y, p: (open("openness-marker", "w").close(), (y - p) ** 2)[1]  # noqa: E731
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    plain.compile(optimizer="sgd", loss=loss)
    plain.save("lambda_loss.keras")  # compile_config holds the loss as a __lambda__


LOAD_CODE = """
import os, sys
os.environ.setdefault("KERAS_BACKEND", "torch")
import keras, numpy
model = keras.saving.load_model(sys.argv[1], safe_mode=False)
if sys.argv[2] == "evaluate":
    model.evaluate(numpy.ones((2, 2)), numpy.ones((2, 1)), verbose=0)
"""

if __name__ == "__main__":
    main(sys.argv[1])
