"""Fashion-MNIST with a small MLP, written exactly as a Keras user writes it (only the import
differs). A demo and a benchmark, not a test.

    python3 bindings/python/examples/train_mlp.py --backend onednn
    python3 bindings/python/examples/train_mlp.py --plugin .build/release/libpx_blis.so --backend blis

Reads the data from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist, or
$FASHION_MNIST_DIR). Flatten -> Dense(128, relu) -> Dense(10); Adam(1e-3),
SparseCategoricalCrossentropy(from_logits=True), batch 32, 10 epochs.
"""

import argparse
import time

import plexus as keras
from plexus import layers


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--plugin", action="append", default=[],
        help="load a backend plugin (a shared library) first; repeat for several",
    )
    parser.add_argument("--backend", help=f"one of {', '.join(keras.backends())}, or a plugin's")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--verbose", default="auto", help='"auto", 0, 1 or 2, as in Keras')
    args = parser.parse_args()
    verbose = args.verbose if args.verbose == "auto" else int(args.verbose)

    for path in args.plugin:
        print(f"loaded backend plugin {keras.backends.load(path)!r} from {path}")
    if args.backend:
        keras.config.set_backend(args.backend)
    keras.backends.reset_dispatch_counts()
    keras.utils.set_random_seed(args.seed)

    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    x_train = x_train.astype("float32") / 255.0
    x_test = x_test.astype("float32") / 255.0

    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.summary()

    start = time.perf_counter()
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, verbose=verbose)
    seconds = time.perf_counter() - start
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)

    print(f"backend: {keras.config.backend()}")
    print(f"training: {seconds:.1f} s for {args.epochs} epochs "
          f"({seconds / args.epochs:.3f} s per epoch)")  # fmt: skip
    print(f"test loss: {test_loss:.4f}")
    print(f"Test accuracy: {test_accuracy:.4f}")
    backend = keras.config.backend()
    print(
        f"ops run on {backend}: {keras.backends.dispatch_count(backend)} "
        f"(matmul {keras.backends.dispatch_count(backend, 'matmul')}, "
        f"dense {keras.backends.dispatch_count(backend, 'dense')}); fell back to the reference "
        f"backend: {keras.backends.fallback_count(backend)}"
    )


if __name__ == "__main__":
    main()
