/*
 * plexus.h: the Plexus C ABI — tensors, models, training and inference from C.
 *
 * Plain C99; also compiles as C11 and C++. The rules this header follows are in ABI.md:
 * - Every fallible function returns a px_status (0 = PX_STATUS_OK) and writes a message that
 *   px_last_error_message() returns on the same thread. The message names the function, what
 *   it expected and what it received.
 * - On failure, out-parameters are left untouched, except the `needed` size of a string-out call.
 * - Functions, constants and struct fields are only ever appended within a major version.
 * - No function aborts, exits or traps on a bad argument: NULL or released handles, wrong
 *   dtypes or shapes, huge or negative sizes get a status instead.
 *
 * Handles. px_tensor, px_model, px_layer and px_logs are opaque. Each *_create / getter that
 * returns a handle returns a new reference, which the caller releases with the matching
 * *_release (which accepts NULL and returns nothing). A handle is a token, not a pointer to
 * memory: passing a released handle, or a handle of the wrong type, fails with
 * PX_STATUS_INVALID_ARGUMENT instead of touching freed memory.
 *
 * Thread contract.
 * - Every function may be called from any thread. The handle table, the backend registry and the
 *   process-wide settings (px_config_*) are internally synchronised.
 * - Tensors are immutable once created, except through the pointer px_tensor_data returns (see
 *   there); any number of threads may read one tensor and pass it to calls at once.
 * - A model is synchronised per handle: calls on one model from several threads run one at a
 *   time, in some order. Calls on different models run in parallel. From inside a progress
 *   callback, the thread running the callback may read the model being trained
 *   (px_model_get_weight, px_model_summary ...), set its weights, its backend and its learning
 *   rate (as Keras's EarlyStopping restores weights and ReduceLROnPlateau lowers the rate) and
 *   stop it (px_model_stop_training). From fit's callback it may also evaluate and predict with
 *   it (px_model_evaluate, _predict, _predict_on_batch, _call and their dataset forms), as
 *   Keras's callbacks do between steps; an evaluate restarts the compiled metrics, as Keras's
 *   does (at an epoch's end, once the epoch is logged, that changes nothing fit reports). Calls
 *   that train it (fit, train_on_batch), run it from inside an evaluate or predict, or change
 *   its structure (compile, add, add_input, build) fail there with PX_STATUS_INVALID_STATE. A
 *   callback's call on another model that another thread is using fails with
 *   PX_STATUS_INVALID_STATE instead of waiting (the two threads could otherwise wait for each
 *   other forever).
 * - Progress callbacks run on the thread that called px_model_fit / _evaluate / _predict.
 * - The last-error message is kept per thread.
 */
#ifndef PLEXUS_H
#define PLEXUS_H

#include <stddef.h>
#include <stdint.h>

#include "dlpack/dlpack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header. A library with the same major and an equal or newer minor
 * version serves a client built against it. */
#define PX_ABI_VERSION_MAJOR 0
#define PX_ABI_VERSION_MINOR 11

#if defined(__GNUC__) || defined(__clang__)
#define PX_API __attribute__((visibility("default")))
#define PX_NODISCARD __attribute__((warn_unused_result))
#else
#define PX_API
#define PX_NODISCARD
#endif

/* ---------------------------------------------------------------------------------------------
 * Status codes and errors
 * ------------------------------------------------------------------------------------------- */

/* The result of every fallible call. The codes below are only ever appended to. */
typedef int32_t px_status;

/* The call succeeded. */
#define PX_STATUS_OK 0
/* An argument was NULL, released, of the wrong type, out of range or otherwise invalid: fix the
 * call. Nothing was changed. */
#define PX_STATUS_INVALID_ARGUMENT 1
/* The library failed for a reason that is not the caller's: a bug. Please report it. */
#define PX_STATUS_INTERNAL 2
/* The arguments are fine but the object is not in a state that allows the call: a model used
 * before it is built or compiled, a model trained from its own callback. */
#define PX_STATUS_INVALID_STATE 3
/* The request is valid but not available here: an op or dtype no backend runs, a dtype a layer
 * does not take, a strict-dispatch fallback. */
#define PX_STATUS_UNSUPPORTED 4
/* An allocation failed or would exceed the machine's memory. */
#define PX_STATUS_OUT_OF_MEMORY 5
/* A progress callback returned non-zero: the call stopped early, as asked. */
#define PX_STATUS_CANCELLED 6
/* Reading or writing a file failed, or a library (a backend plugin) could not be loaded. */
#define PX_STATUS_IO 7

/* The ABI version of the loaded library: (major << 16) | minor. Compare it with
 * PX_ABI_VERSION_MAJOR / PX_ABI_VERSION_MINOR to detect a mismatched library at run time. */
PX_API uint32_t px_abi_version(void);

/* The library's release version, e.g. "0.1.0". A static string: never freed, never NULL. */
PX_API const char *px_version_string(void);

/* The message of the last failed call on this thread, in UTF-8. Never NULL; empty when the last
 * fallible call on this thread succeeded or none was made. Valid until the next call into
 * Plexus on this thread. */
PX_API const char *px_last_error_message(void);

/* ---------------------------------------------------------------------------------------------
 * Backends and process-wide settings (the context every call runs in)
 * ------------------------------------------------------------------------------------------- */

/* Writes the number of registered backends to *out_count. */
PX_API PX_NODISCARD px_status px_backend_count(size_t *out_count);

/* Writes the name of backend `index` (0 ..< px_backend_count) into `buffer` as a NUL-terminated
 * UTF-8 string, and its size in bytes including the NUL into *needed when `needed` is not NULL.
 * Pass buffer = NULL and capacity = 0 to ask for the size alone. When `capacity` is too small the
 * call fails with PX_STATUS_INVALID_ARGUMENT, leaves `buffer` untouched and still writes *needed.
 * Every other function here that writes a string follows the same rule. */
PX_API PX_NODISCARD px_status px_backend_name(
    size_t index, char *buffer, size_t capacity, size_t *needed);

/* Loads the backend plugin at `path` (a shared library built against plexus_plugin.h) and
 * registers it under `name`, or under the name it gives itself when `name` is NULL; select it
 * with px_config_set_backend. A library that cannot be used (not found, no px_plugin_entry,
 * another major plugin ABI version, a failing create) fails with PX_STATUS_IO, saying why, and
 * leaves the process working (the library may stay mapped: nothing is ever unloaded); an empty
 * `name` or a built-in backend's name fails with PX_STATUS_INVALID_ARGUMENT before loading. Plugins are never unloaded. Plugins named in the
 * environment variable PLEXUS_PLUGINS (`name:path,name:path`) load when Plexus starts. */
PX_API PX_NODISCARD px_status px_backend_load(const char *path, const char *name);

/* Writes why the plugin backend `name` failed to load (from PLEXUS_PLUGINS or a px_backend_load
 * that named it), string-out rule of px_backend_name; PX_STATUS_INVALID_ARGUMENT when no load of
 * that name failed. */
PX_API PX_NODISCARD px_status px_backend_load_failure(
    const char *name, char *buffer, size_t capacity, size_t *needed);

/* Where ops ran. Writes to *out_dispatches how many ops `backend` ran (of op `op`, a snake-case
 * op name such as "matmul" or "dense", or of every op when `op` is NULL) since the process
 * started or the last px_dispatch_reset, and to *out_fallbacks (when not NULL) how many ops
 * selected for `backend` ran on the reference backend instead. An unknown backend or op name
 * fails with PX_STATUS_INVALID_ARGUMENT. */
PX_API PX_NODISCARD px_status px_dispatch_count(
    const char *backend, const char *op, int64_t *out_dispatches, int64_t *out_fallbacks);

/* Sets every dispatch and fallback count back to zero. */
PX_API PX_NODISCARD px_status px_dispatch_reset(void);

/* Selects the process-wide default backend by name ("reference", "openblas", "onednn", a
 * plugin's name). Models with a backend of their own (px_model_set_backend) keep it. A plugin
 * backend whose load failed fails with PX_STATUS_IO and the reason it did not load. */
PX_API PX_NODISCARD px_status px_config_set_backend(const char *name);

/* Writes the name of the process-wide default backend (string-out rule of px_backend_name). */
PX_API PX_NODISCARD px_status px_config_backend(char *buffer, size_t capacity, size_t *needed);

/* Sets the number of threads every backend uses (OpenBLAS, oneDNN's OpenMP and Plexus's own
 * pool follow the one setting); 0 means one per core. At most 1024. */
PX_API PX_NODISCARD px_status px_config_set_threads(int64_t threads);

/* Writes the number of threads the backends use. */
PX_API PX_NODISCARD px_status px_config_threads(int64_t *out_threads);

/* Seeds the global random generator (weights' initial values, shuffling, dropout), as Keras's
 * keras.utils.set_random_seed: the same seed gives the same training run. */
PX_API PX_NODISCARD px_status px_config_set_seed(uint64_t seed);

/* Strict dispatch: when non-zero, an op the selected backend cannot run fails with
 * PX_STATUS_UNSUPPORTED instead of running on the reference backend. */
PX_API PX_NODISCARD px_status px_config_set_strict_dispatch(int32_t strict);

/* Writes 1 when strict dispatch is on, else 0. */
PX_API PX_NODISCARD px_status px_config_strict_dispatch(int32_t *out_strict);

/* Sets the dtype policy layers made from now on take (Keras's keras.config.set_dtype_policy):
 * "float32", or "mixed_bfloat16" (bfloat16 computation, float32 variables). Any other name is
 * PX_STATUS_INVALID_ARGUMENT naming the ones supported. (ABI 0.5) */
PX_API PX_NODISCARD px_status px_config_set_dtype_policy(const char *name);

/* Writes the name of the process-wide dtype policy (string-out rule of px_backend_name).
 * (ABI 0.5) */
PX_API PX_NODISCARD px_status px_config_dtype_policy(char *buffer, size_t capacity,
                                                     size_t *needed);

/* ---------------------------------------------------------------------------------------------
 * Data parallelism over MPI (ABI 0.6): the same model on every process mpirun started, each
 * training on its slice of every global batch, gradients summed across the processes in a
 * fixed order before every update (Keras's keras.distribution.DataParallel, with processes for
 * devices). Launch with mpirun (scripts/mpirun.sh in the source tree lists the flags).
 * ------------------------------------------------------------------------------------------- */

/* Joins the processes mpirun started (initialising Open MPI, loaded at run time, at
 * MPI_THREAD_SERIALIZED) and writes this process's rank and the process count (either pointer
 * may be NULL). Outside mpirun it is one process (rank 0 of 1) and MPI is not loaded. Sets
 * nothing: see px_distribution_set_data_parallel. Open MPI missing or failing to start is
 * PX_STATUS_INVALID_STATE with its reason. (ABI 0.6) */
PX_API PX_NODISCARD px_status px_distribution_world(int32_t *out_rank,
                                                    int32_t *out_process_count);

/* Makes data parallelism over every process the distribution px_model_fit, evaluation and the
 * optimizers use from now on (Keras's keras.distribution.set_distribution). bucket_bytes: the
 * most gradient bytes summed in one collective call, 0 for the default (16 MiB), else 1024 to
 * 2^29 (else PX_STATUS_INVALID_ARGUMENT). Every process must call it, and build the same
 * model: training checks that and reports the first variable that differs. (ABI 0.6) */
PX_API PX_NODISCARD px_status px_distribution_set_data_parallel(size_t bucket_bytes);

/* Removes the distribution: training is this process's alone again. (ABI 0.6) */
PX_API PX_NODISCARD px_status px_distribution_clear(void);

/* Writes whether a distribution is set (1 or 0), and its rank and process count (0 and 1 when
 * none); any pointer may be NULL. (ABI 0.6) */
PX_API PX_NODISCARD px_status px_distribution_info(int32_t *out_active, int32_t *out_rank,
                                                   int32_t *out_process_count);

/* Tells the other processes that this one failed with `message` (a custom loop that caught an
 * error they will not see): their collectives end with an error naming this rank instead of
 * waiting for it. px_model_fit does this itself. Nothing without a distribution. (ABI 0.6) */
PX_API PX_NODISCARD px_status px_distribution_announce_failure(const char *message);

/* ---------------------------------------------------------------------------------------------
 * Tensors
 * ------------------------------------------------------------------------------------------- */

/* Element types (the values of DType in Swift). */
#define PX_DTYPE_FLOAT32 0
#define PX_DTYPE_FLOAT64 1
#define PX_DTYPE_INT32 2
#define PX_DTYPE_INT64 3
#define PX_DTYPE_UINT8 4
#define PX_DTYPE_BOOL 5
#define PX_DTYPE_BFLOAT16 6

/* The most dimensions a tensor may have. */
#define PX_MAX_RANK 32

/* A dense, row-major (C-order) n-dimensional array on the host. */
typedef struct px_tensor px_tensor;

/* Called once when nothing uses the memory of a tensor made by px_tensor_create_view any more:
 * after the last reference to it and to every tensor sharing its memory (px_ops_call's
 * reshape, expand_dims and squeeze may return one) is released, on whichever thread released
 * it; `data` and `user` are the values given at creation. */
typedef void (*px_deleter)(void *data, void *user);

/* Creates a tensor of `dtype` and `shape` (`rank` dims, each >= 0; rank 0 is a scalar) holding a
 * copy of `data`. `byte_size` must equal the element count times the dtype's size. `data` may be
 * NULL only with byte_size 0 and then the tensor is zero-filled. */
PX_API PX_NODISCARD px_status px_tensor_create(
    int32_t dtype, const int64_t *shape, size_t rank, const void *data, size_t byte_size,
    px_tensor **out_tensor);

/* Creates a tensor over the caller's memory without copying it. `data` must hold `byte_size`
 * bytes (the element count times the dtype's size), stay valid and unchanged until `deleter` is
 * called (or until the caller knows every reference is released, when `deleter` is NULL), and
 * be aligned to the dtype's size. On failure `deleter` is not called: the memory is still the
 * caller's. */
PX_API PX_NODISCARD px_status px_tensor_create_view(
    int32_t dtype, const int64_t *shape, size_t rank, void *data, size_t byte_size,
    px_deleter deleter, void *user, px_tensor **out_tensor);

/* Adds a reference: every px_tensor_retain needs its own px_tensor_release. */
PX_API PX_NODISCARD px_status px_tensor_retain(px_tensor *tensor);

/* Drops a reference; the tensor (and its memory, or the view's deleter) goes with the last one.
 * Accepts NULL and released handles (it then does nothing). */
PX_API void px_tensor_release(px_tensor *tensor);

/* Writes the tensor's dtype (a PX_DTYPE_* value). */
PX_API PX_NODISCARD px_status px_tensor_dtype(const px_tensor *tensor, int32_t *out_dtype);

/* Writes the number of dimensions. */
PX_API PX_NODISCARD px_status px_tensor_rank(const px_tensor *tensor, size_t *out_rank);

/* Writes the dims into `dims`, which holds `capacity` values (at least the rank). */
PX_API PX_NODISCARD px_status px_tensor_shape(
    const px_tensor *tensor, int64_t *dims, size_t capacity);

/* Writes the number of elements (the product of the dims). */
PX_API PX_NODISCARD px_status px_tensor_element_count(const px_tensor *tensor, size_t *out_count);

/* Writes the size of the data in bytes. */
PX_API PX_NODISCARD px_status px_tensor_byte_size(const px_tensor *tensor, size_t *out_size);

/* Writes the address of the tensor's first element (row-major, densely packed; NULL-free even
 * for an empty tensor). Valid while the caller holds a reference. Writing through it is allowed
 * only while no call that reads the tensor is running, and changes the tensor's value. */
PX_API PX_NODISCARD px_status px_tensor_data(const px_tensor *tensor, void **out_data);

/* Copies the tensor's data into `buffer` of `capacity` bytes (at least the byte size). */
PX_API PX_NODISCARD px_status px_tensor_copy_to(
    const px_tensor *tensor, void *buffer, size_t capacity);

/* Exports the tensor as DLPack 1.x (`include/dlpack/dlpack.h`), sharing its memory: the
 * consumer owns *out and calls (*out)->deleter(*out) once when done, which drops the reference
 * the export took (the tensor may be released before that). CPU device, byte offset 0, compact
 * row-major strides. bfloat16 exports as kDLBfloat. Memory Plexus did not allocate (a view, an
 * import) is exported with DLPACK_FLAG_BITMASK_READ_ONLY set, as its lender may have lent it
 * read-only. */
PX_API PX_NODISCARD px_status px_tensor_to_dlpack(
    px_tensor *tensor, struct DLManagedTensorVersioned **out_managed);

/* Imports a DLPack 1.x tensor without copying. On success Plexus owns `managed` and calls its
 * deleter when the last reference to the new tensor is released; on failure the caller still
 * owns it. Accepted: kDLCPU (or kDLCUDAHost) memory, a dtype Plexus has, compact row-major
 * strides (or NULL strides), a data pointer aligned to the element size (NULL for a tensor with
 * no elements). Read-only tensors
 * (DLPACK_FLAG_BITMASK_READ_ONLY) are accepted; writing through px_tensor_data is then an error
 * of the caller's. */
PX_API PX_NODISCARD px_status px_tensor_from_dlpack(
    struct DLManagedTensorVersioned *managed, px_tensor **out_tensor);

/* px_tensor_from_dlpack for the pre-1.0 DLManagedTensor (what `__dlpack__()` without
 * max_version returns). */
PX_API PX_NODISCARD px_status px_tensor_from_dlpack_legacy(
    DLManagedTensor *managed, px_tensor **out_tensor);

/* A PyCapsule destructor for DLPack capsules ("dltensor_versioned" or "dltensor"), for bindings
 * that hand px_tensor_to_dlpack's tensors to Python: when the capsule was never consumed, it
 * calls the tensor's deleter, keeping any Python exception that is set (a consumer that
 * rejects a capsule drops it while its error is set, which a destructor written in Python
 * cannot survive). CPython's C API is looked up in the running process; without it the call
 * does nothing. Pass its address to PyCapsule_New. */
PX_API void px_dlpack_capsule_destructor(void *capsule);

/* ---------------------------------------------------------------------------------------------
 * Ops (keras.ops)
 * ------------------------------------------------------------------------------------------- */

/* Runs one op by its keras.ops name on the process's default backend and writes its results as
 * new tensors into `outputs` (capacity handles) and their number into *out_count (NULL allowed).
 * Ops that only change the shape (reshape, expand_dims, squeeze) may share their input's
 * memory.
 * `attributes_json` holds the op's keyword arguments as a JSON object, or NULL for none.
 * Names and attributes (broadcasting as NumPy):
 *   unary: negative abs sign square sqrt rsqrt exp expm1 log log1p sin cos tanh sigmoid relu
 *          floor ceil round erf reciprocal logical_not;  copy
 *   binary: add subtract multiply divide power maximum minimum equal not_equal less less_equal
 *           greater greater_equal logical_and logical_or;  matmul;  where (3 inputs)
 *   reductions {"axis": int | [int] | null, "keepdims": bool}: sum mean max min prod logsumexp;
 *           argmax argmin {"axis": int | null (the flattened tensor), "keepdims": bool}
 *   softmax log_softmax {"axis": int};  clip {"x_min": number, "x_max": number}
 *   shape: reshape {"newshape": [int]} (one -1 allowed; "shape" is accepted too), transpose {"axes": [int] | null},
 *          expand_dims {"axis": int}, squeeze {"axis": int | [int] | null},
 *          broadcast_to {"shape": [int]}, concatenate / stack (n inputs) {"axis": int},
 *          take {"axis": int | null (the flattened tensor)} (2 inputs), one_hot {"num_classes": int} (1 input)
 *   cast {"dtype": "float32" | "float64" | "int32" | "int64" | "uint8" | "bool"} (bfloat16
 *          tensors hold data for exchange; no backend computes on them yet)
 * An unknown name or attribute fails with PX_STATUS_INVALID_ARGUMENT naming it. */
PX_API PX_NODISCARD px_status px_ops_call(
    const char *name, const px_tensor *const *inputs, size_t input_count,
    const char *attributes_json, px_tensor **outputs, size_t capacity, size_t *out_count);

/* ---------------------------------------------------------------------------------------------
 * Layers and models
 * ------------------------------------------------------------------------------------------- */

/* A layer not yet added to a model. */
typedef struct px_layer px_layer;
/* A model: a Sequential, a Functional graph, or a registered subclass. */
typedef struct px_model px_model;
/* Named lists of numbers: the logs of training and evaluation. */
typedef struct px_logs px_logs;

/* Creates a layer from a Keras class name and its config as JSON, exactly what Keras's
 * `layer.get_config()` holds, e.g. px_layer_create("Dense", "{\"units\": 10,
 * \"activation\": \"relu\"}", &layer). Keys left out take Keras's defaults; `config_json` may
 * be NULL or "{}" for all defaults where a layer has no required argument. */
PX_API PX_NODISCARD px_status px_layer_create(
    const char *class_name, const char *config_json, px_layer **out_layer);

/* Drops the caller's reference to a layer (a model it was added to keeps its own). */
PX_API void px_layer_release(px_layer *layer);

/* Creates an empty Sequential model; `name` may be NULL for a generated one. */
PX_API PX_NODISCARD px_status px_model_create_sequential(const char *name, px_model **out_model);

/* Declares a Sequential model's input, as keras.Input(shape=..., dtype=...): `shape` leaves out
 * the batch axis; -1 marks an axis of any size. Must come before the first layer. */
PX_API PX_NODISCARD px_status px_model_add_input(
    px_model *model, const int64_t *shape, size_t rank, int32_t dtype);

/* Appends a layer to a Sequential model (Keras's `model.add`). A layer belongs to at most one
 * model; a model cannot be added to itself. */
PX_API PX_NODISCARD px_status px_model_add(px_model *model, px_layer *layer);

/* Builds a model from Keras JSON: `model.to_json()`, or the `config.json` of a `.keras` file
 * (Sequential, Functional with several inputs and outputs, registered subclasses). A non-empty
 * `compile_config` in it compiles the model too. */
PX_API PX_NODISCARD px_status px_model_from_json(const char *json, px_model **out_model);

/* px_model_from_json, except that each layer the JSON names `layer_names[i]` (nested ones too;
 * never the model itself) is the layer of that name in `owners[i]` (or `owners[i]` itself when
 * it has that name): the same layer, with the same weights, in both models, as one Keras layer
 * object is in every model that calls it (an encoder inside an autoencoder, a layer called
 * eagerly and in a model). Training either model trains it. Its class must be the one the JSON
 * gives; each name at most once. `count` 0 is px_model_from_json. Layers run on one thread at
 * a time, so calls on models that share layers (this one and `owners`, from then on) run one
 * at a time across all of them, as calls on one model do (the thread contract). (ABI 0.9) */
PX_API PX_NODISCARD px_status px_model_from_json_sharing(
    const char *json, const char *const *layer_names, px_model *const *owners, size_t count,
    px_model **out_model);

/* Writes the model's Keras JSON (`model.to_json()`); string-out rule of px_backend_name. */
PX_API PX_NODISCARD px_status px_model_to_json(
    px_model *model, char *buffer, size_t capacity, size_t *needed);

/* Saves the model as a Keras 3 `.keras` file (`model.save(path)`): architecture, weights,
 * compile settings and optimizer state; the file opens in Keras 3. `path` must end in
 * ".keras". Atomic: a process killed mid-save leaves the old file intact. PX_STATUS_IO when the
 * file cannot be written. */
PX_API PX_NODISCARD px_status px_model_save(px_model *model, const char *path);

/* Loads a `.keras` file saved by px_model_save or by Keras 3 (`keras.saving.load_model`).
 * `compile` non-zero also restores the compile settings and the optimizer's state. A legacy
 * `.h5` / `.hdf5` file of Keras 2 (tf.keras) or Keras 3 loads too: architecture, weights and
 * compile settings, with a fresh optimizer. Runs no
 * code: an unregistered class (a Lambda layer, say) is PX_STATUS_INVALID_ARGUMENT naming it;
 * a damaged file is PX_STATUS_INVALID_ARGUMENT, a missing one PX_STATUS_IO. */
PX_API PX_NODISCARD px_status px_model_load(const char *path, int32_t compile,
                                            px_model **out_model);

/* Saves every variable (and the optimizer's state when compiled) as a Keras 3 `.weights.h5`
 * file (`model.save_weights(path)`), atomically. `path` must end in ".weights.h5". */
PX_API PX_NODISCARD px_status px_model_save_weights(px_model *model, const char *path);

/* Loads a `.weights.h5` file (or the weights of a `.keras` file) into a model of the same
 * structure (`model.load_weights(path)`); on any mismatch nothing is loaded. A legacy `.h5`
 * file (Keras 2's `save_weights("w.h5")`) loads layer by layer, as Keras's legacy loader. */
PX_API PX_NODISCARD px_status px_model_load_weights(px_model *model, const char *path);

/* Drops the caller's reference to a model. */
PX_API void px_model_release(px_model *model);

/* Builds the model's weights for inputs of `shape` (with the batch axis; -1 for any size) when
 * it has no declared input. Only needed before px_model_get_weight / _summary on such a model:
 * fit, evaluate and predict build it from their data. */
PX_API PX_NODISCARD px_status px_model_build(px_model *model, const int64_t *shape, size_t rank);

/* Runs the model on `backend` from now on, whatever the process default (NULL: follow the
 * default again). */
PX_API PX_NODISCARD px_status px_model_set_backend(px_model *model, const char *backend);

/* Writes the model's name. */
PX_API PX_NODISCARD px_status px_model_name(
    px_model *model, char *buffer, size_t capacity, size_t *needed);

/* Writes the number of the model's inputs and outputs. */
PX_API PX_NODISCARD px_status px_model_input_count(px_model *model, size_t *out_count);
PX_API PX_NODISCARD px_status px_model_output_count(px_model *model, size_t *out_count);

/* Sets `trainable` on the layer called `layer_name` anywhere in the model (nested models
 * included), or on the model itself when `layer_name` is NULL, as Keras's `layer.trainable = ...`:
 * a layer that is not trainable keeps its weights through fit. Non-zero is true. Keras applies
 * the change at the next compile; Plexus from the next training step. */
PX_API PX_NODISCARD px_status px_model_set_trainable(
    px_model *model, const char *layer_name, int32_t trainable);

/* Writes the number of scalars in the model's weights (Keras's `count_params`). */
PX_API PX_NODISCARD px_status px_model_count_params(px_model *model, size_t *out_count);

/* Writes the summary table Keras's `model.summary()` prints. */
PX_API PX_NODISCARD px_status px_model_summary(
    px_model *model, char *buffer, size_t capacity, size_t *needed);

/* Weights, by Keras 3 path (`variable.path`: "sequential/dense/kernel", "sequential/dense/bias",
 * ...; the model's name first), in the order of Keras's `model.weights`. */
PX_API PX_NODISCARD px_status px_model_weight_count(px_model *model, size_t *out_count);
PX_API PX_NODISCARD px_status px_model_weight_path(
    px_model *model, size_t index, char *buffer, size_t capacity, size_t *needed);
/* A copy of the weight's current value, as a new tensor. */
PX_API PX_NODISCARD px_status px_model_get_weight(
    px_model *model, const char *path, px_tensor **out_tensor);
/* Assigns a value of the weight's shape; the dtype must be the weight's. */
PX_API PX_NODISCARD px_status px_model_set_weight(
    px_model *model, const char *path, const px_tensor *value);

/* Configures training, as Keras's `model.compile`. `optimizer` and `loss` are each a Keras name
 * ("adam", "sgd", "sparse_categorical_crossentropy", "mse", ...) or a Keras serialized object as
 * JSON with its options ({"class_name": "Adam", "config": {"learning_rate": 0.001}},
 * {"class_name": "SparseCategoricalCrossentropy", "config": {"from_logits": true}}). `loss`
 * may also be a JSON array of one loss (name or object) per output, in output order
 * (["mse", "binary_crossentropy"]), as Keras's `loss=[...]`. `metrics` holds `metric_count`
 * names or JSON objects ("accuracy", ...), computed on every output; NULL when 0. One entry may
 * instead give each output metrics of its own, as Keras's per-output `metrics`: a JSON list of
 * one list per output ([["mae"], ["accuracy"]], null for none) or a JSON object by output name
 * ({"price": ["mae"], "kind": ["accuracy"]}; outputs it leaves out get none). */
PX_API PX_NODISCARD px_status px_model_compile(
    px_model *model, const char *optimizer, const char *loss, const char *const *metrics,
    size_t metric_count);
/* Sets the compiled model's weighted metrics, as Keras's `compile(weighted_metrics=...)`:
 * `count` names or JSON objects (as px_model_compile's `metrics`; NULL when 0), weighed by the
 * sample weights that fit and evaluate receive (class weights included); `metrics` never are.
 * Models with one output only: a model with several fails with PX_STATUS_INVALID_ARGUMENT. Where an unweighted metric logs under the same name, the
 * weighted one logs as `weighted_<name>`, as in Keras. Call it after px_model_compile, which
 * clears them; 0 clears them too. Fails with PX_STATUS_INVALID_STATE before px_model_compile.
 * (ABI 0.11) */
PX_API PX_NODISCARD px_status px_model_set_weighted_metrics(px_model *model,
                                                           const char *const *metrics,
                                                           size_t count);

/* ---------------------------------------------------------------------------------------------
 * Training, evaluation and inference
 * ------------------------------------------------------------------------------------------- */

/* What a progress event reports. */
#define PX_EVENT_TRAIN_BEGIN 1
#define PX_EVENT_TRAIN_END 2
#define PX_EVENT_EPOCH_BEGIN 3
#define PX_EVENT_EPOCH_END 4
#define PX_EVENT_TRAIN_BATCH_BEGIN 5
#define PX_EVENT_TRAIN_BATCH_END 6
#define PX_EVENT_TEST_BEGIN 7
#define PX_EVENT_TEST_END 8
#define PX_EVENT_TEST_BATCH_BEGIN 9
#define PX_EVENT_TEST_BATCH_END 10
#define PX_EVENT_PREDICT_BEGIN 11
#define PX_EVENT_PREDICT_END 12
#define PX_EVENT_PREDICT_BATCH_BEGIN 13
#define PX_EVENT_PREDICT_BATCH_END 14

/* The px_fit_options.event_mask bit of an event kind. */
#define PX_EVENT_BIT(kind) (1u << (kind))

/* One progress event, valid only during the callback. Fields are appended, never removed:
 * read only those that fit in `struct_size`. */
typedef struct px_progress_event {
  uint32_t struct_size;
  int32_t kind;          /* a PX_EVENT_* value */
  int64_t epoch;         /* 0-based epoch (Keras's numbering); -1 outside fit's epochs */
  int64_t epochs;        /* the epoch count fit was asked for; 0 outside fit */
  int64_t step;          /* 0-based batch index for the batch events, else -1 */
  int64_t steps;         /* batches per epoch of the call (fit's also during its validation, as
                            Keras's params["steps"]); 0 if unknown */
  size_t log_count;      /* the logs: names and values, e.g. "loss", "accuracy", "val_loss" */
  const char *const *log_names;
  const double *log_values;
} px_progress_event;

/* A progress callback: return 0 to go on, non-zero to stop. Stopping ends the call after the
 * current batch with PX_STATUS_CANCELLED (for Keras's graceful `stop_training`, which returns
 * normally, call px_model_stop_training instead). Runs on the calling thread. */
typedef int32_t (*px_progress_fn)(const px_progress_event *event, void *user);

/* Tri-state fields of the options below: zero is the default. */
#define PX_OPTION_DEFAULT 0
#define PX_OPTION_ON 1
#define PX_OPTION_OFF 2

/* Options of px_model_fit. Zero-initialise it, set struct_size = sizeof(px_fit_options), then
 * the fields you need; a zero field takes the default given beside it. */
typedef struct px_fit_options {
  uint32_t struct_size;
  int32_t verbose;            /* 0: silent (default), 1: a progress bar, 2: a line per epoch */
  int64_t batch_size;         /* 0: 32 */
  int64_t epochs;             /* 0: 1 */
  int64_t initial_epoch;      /* 0: 0 */
  double validation_split;    /* 0: none; else the last fraction of the samples, in (0, 1) */
  int32_t shuffle;            /* PX_OPTION_DEFAULT / _ON: shuffle every epoch; _OFF: don't */
  uint32_t event_mask;        /* 0: every event reaches `progress`; else only the kinds k
                                 whose bit (1u << k) is set (fewer calls per batch) */
  /* Validation data, used instead of validation_split when validation_x_count > 0. */
  const px_tensor *const *validation_x;
  size_t validation_x_count;
  const px_tensor *const *validation_y;
  size_t validation_y_count;
  /* ABI 0.8: Keras's sample_weight and class_weight. At most one of the two is given. */
  const px_tensor *sample_weight; /* NULL: none, else one weight per sample of x ([samples] or
                                     [samples, 1]) scaling its loss (validation_split takes
                                     the last ones with their samples) */
  const int64_t *class_weight_classes; /* class_weight_count class ids ≥ 0, each once, and */
  const double *class_weight_values;   /* their weights (finite, ≥ 0): a model with one output
                                          weighs each sample by its label's class (a class id,
                                          or a one-hot row), unlisted classes weighing 1 */
  size_t class_weight_count;           /* 0: no class weights */
  const px_tensor *validation_sample_weight; /* NULL: none, else one weight per validation_x
                                                sample (Keras's third validation_data entry) */
  /* ABI 0.10: Keras's validation_freq; epochs without validation log no val_ entries. */
  int64_t validation_freq;          /* 0 or 1: validate after every epoch; n: after epochs n, 2n,
                                       ... (counted from 1) */
  const int64_t *validation_epochs; /* validation_epoch_count epochs (counted from 1) to validate
                                       after, instead of validation_freq (then 0); non-NULL
                                       with a count of 0: never */
  size_t validation_epoch_count;
  int64_t validation_batch_size;    /* ABI 0.10: 0: batch_size; else the validation batch size
                                       (Keras's validation_batch_size) */
} px_fit_options;

/* Trains the model, as Keras's `model.fit(x, y, ...)`: `x` holds one tensor per model input,
 * `y` one per output, samples along the first axis. `options` may be NULL for the defaults;
 * `progress` may be NULL. On success *out_history (when not NULL) receives the per-epoch logs,
 * Keras's `History.history`. Arguments, options and the validation data's shapes are checked
 * before the first step; an error only the data reveals during training (a label out of range)
 * ends the call with the steps already run applied, as in Keras. */
PX_API PX_NODISCARD px_status px_model_fit(
    px_model *model, const px_tensor *const *x, size_t x_count, const px_tensor *const *y,
    size_t y_count, const px_fit_options *options, px_progress_fn progress, void *user,
    px_logs **out_history);

/* Asks a running fit to end after the current batch and return normally (Keras's
 * `model.stop_training = True`); meant for progress callbacks. */
PX_API PX_NODISCARD px_status px_model_stop_training(px_model *model);

/* Evaluates the compiled loss and metrics, as Keras's `model.evaluate`; batch_size 0 is 32.
 * *out_logs (which must not be NULL) receives one value per name. */
PX_API PX_NODISCARD px_status px_model_evaluate(
    px_model *model, const px_tensor *const *x, size_t x_count, const px_tensor *const *y,
    size_t y_count, int64_t batch_size, px_progress_fn progress, void *user, px_logs **out_logs);

/* ABI 0.8. px_model_evaluate with one weight per sample (Keras's `evaluate(sample_weight=)`):
 * `sample_weight` is NULL (then this is px_model_evaluate) or a float tensor of [samples] or
 * [samples, 1] scaling each sample's loss. Metrics stay unweighted, as Keras's `metrics` do. */
PX_API PX_NODISCARD px_status px_model_evaluate_weighted(
    px_model *model, const px_tensor *const *x, size_t x_count, const px_tensor *const *y,
    size_t y_count, const px_tensor *sample_weight, int64_t batch_size, px_progress_fn progress,
    void *user, px_logs **out_logs);

/* Runs the model on `x` in batches, as Keras's `model.predict`; batch_size 0 is 32. Writes one
 * new tensor per model output into `outputs`, which holds `capacity` handles (at least
 * px_model_output_count). */
PX_API PX_NODISCARD px_status px_model_predict(
    px_model *model, const px_tensor *const *x, size_t x_count, int64_t batch_size,
    px_progress_fn progress, void *user, px_tensor **outputs, size_t capacity);

/* Runs the model on one batch as Keras's `model(x, training=...)`: with `training` non-zero,
 * in training mode (dropout drops, noise layers add noise, batch normalization normalizes with
 * the batch's statistics and updates its moving ones), with no loss and no optimizer step;
 * with 0, as px_model_predict_on_batch. Outputs as px_model_predict_on_batch. (ABI 0.9) */
PX_API PX_NODISCARD px_status px_model_call(
    px_model *model, const px_tensor *const *x, size_t x_count, int32_t training,
    px_tensor **outputs, size_t capacity);

/* Runs the model on one batch in inference mode, as Keras's `model.predict_on_batch`: no
 * batching, no callbacks, the fastest path for a single sample. */
PX_API PX_NODISCARD px_status px_model_predict_on_batch(
    px_model *model, const px_tensor *const *x, size_t x_count, px_tensor **outputs,
    size_t capacity);

/* One optimizer step on one batch, as Keras's `model.train_on_batch`; *out_logs (when not NULL)
 * receives the loss and metrics. */
PX_API PX_NODISCARD px_status px_model_train_on_batch(
    px_model *model, const px_tensor *const *x, size_t x_count, const px_tensor *const *y,
    size_t y_count, px_logs **out_logs);

/* ABI 0.8. px_model_train_on_batch with Keras's `sample_weight` or `class_weight` (at most one):
 * `sample_weight` as in px_model_evaluate_weighted, or `class_count` pairs of a class id
 * (`classes`) and its weight (`class_weights`), as px_fit_options' class weights. */
PX_API PX_NODISCARD px_status px_model_train_on_batch_weighted(
    px_model *model, const px_tensor *const *x, size_t x_count, const px_tensor *const *y,
    size_t y_count, const px_tensor *sample_weight, const int64_t *classes,
    const double *class_weights, size_t class_count, px_logs **out_logs);

/*
 * Datasets (ABI 0.7): data a caller makes one batch at a time, Keras's PyDataset, for data that
 * does not fit in memory as one array (files, images decoded per batch).
 */

/* Makes batch `index` (0 ... batch_count - 1) of the current epoch: writes one new tensor
 * handle per model input into inputs[0 ... input_count - 1], one per model output into
 * targets[0 ... target_count - 1] (target_count is 0 for predict), and into *sample_weight
 * either NULL or a tensor of one weight per sample. All share the first axis (the batch). The
 * library releases every handle written, also when the call fails. Return 0 on success;
 * non-zero ends the fit, evaluate or predict with PX_STATUS_CANCELLED, its message naming the
 * batch. Called from one thread at a time, in index order, but maybe not the calling thread
 * (see px_dataset.prefetch). It may make tensors (px_tensor_*), but must not call px_model_*
 * functions on the model being run: on the library's thread such a call waits for the running
 * call to end, which waits for the batch. */
typedef int32_t (*px_dataset_batch_fn)(int64_t index, px_tensor **inputs, size_t input_count,
                                       px_tensor **targets, size_t target_count,
                                       px_tensor **sample_weight, void *user);

/* Called with `begin` 1 before an epoch's first batch is asked for and 0 after its last was
 * used (Keras's on_epoch_begin / on_epoch_end: reshuffle there), on the calling thread while no
 * batch is being made. Return 0 to go on; non-zero ends the call as a batch function's does. */
typedef int32_t (*px_dataset_epoch_fn)(int32_t begin, void *user);

/* A dataset. Zero-initialise it, set struct_size = sizeof(px_dataset), then the fields. */
typedef struct px_dataset {
  uint32_t struct_size;
  int64_t batch_count;        /* batches per epoch (Keras's __len__), >= 1 */
  px_dataset_batch_fn batch;  /* required */
  px_dataset_epoch_fn epoch;  /* may be NULL */
  void *user;                 /* passed to both functions */
  int32_t prefetch;           /* batches made ahead on a library thread while a step runs:
                                 0 for 2 (default), n > 0 for up to n, -1 for none (each batch
                                 made on the calling thread when needed) */
} px_dataset;

/* Trains the model on a dataset's batches, as Keras's `model.fit(dataset, ...)`. From
 * `options` (NULL for the defaults) it reads verbose, epochs, initial_epoch and event_mask;
 * batch_size, validation_split and the validation arrays must be zero (the dataset makes the
 * batches; shuffle is its own business, in its epoch function). `validation`, when not NULL, is
 * evaluated after every epoch ("val_" logs). *out_history as px_model_fit's. */
PX_API PX_NODISCARD px_status px_model_fit_dataset(
    px_model *model, const px_dataset *dataset, const px_fit_options *options,
    const px_dataset *validation, px_progress_fn progress, void *user,
    px_logs **out_history);

/* Evaluates the compiled loss and metrics over a dataset's batches, as Keras's
 * `model.evaluate(dataset)`; *out_logs (which must not be NULL) as px_model_evaluate's. */
PX_API PX_NODISCARD px_status px_model_evaluate_dataset(
    px_model *model, const px_dataset *dataset, px_progress_fn progress, void *user,
    px_logs **out_logs);

/* Runs the model over a dataset's batches (their inputs; the batch function gets target_count
 * 0), as Keras's `model.predict(dataset)`: one new tensor per model output into `outputs`, the
 * batches joined along the first axis. */
PX_API PX_NODISCARD px_status px_model_predict_dataset(
    px_model *model, const px_dataset *dataset, px_progress_fn progress, void *user,
    px_tensor **outputs, size_t capacity);

/* Writes the compiled optimizer's learning rate for the next step (a schedule's value at the
 * current step), Keras's `model.optimizer.learning_rate`. A model that is not compiled fails
 * with PX_STATUS_INVALID_STATE. Allowed from inside the model's progress callback. */
PX_API PX_NODISCARD px_status px_model_learning_rate(px_model *model, double *out_rate);

/* Sets a fixed learning rate from the next optimizer step on, replacing a schedule the
 * optimizer was compiled with (Keras's `model.optimizer.learning_rate = rate`; the config the
 * model saves then holds the rate). `rate` must be finite and >= 0, else
 * PX_STATUS_INVALID_ARGUMENT; a model that is not compiled fails with PX_STATUS_INVALID_STATE.
 * Allowed from inside the model's progress callback, as Keras's ReduceLROnPlateau and
 * LearningRateScheduler change the rate between epochs. */
PX_API PX_NODISCARD px_status px_model_set_learning_rate(px_model *model, double rate);

/* Sets the weight of each output's loss in the total that training minimises, from the next step
 * on (Keras's compile(loss_weights=...)): `count` finite weights >= 0, one per output, or NULL
 * and 0 for 1 each. A model that is not compiled fails with PX_STATUS_INVALID_STATE; a count or
 * weight out of range with PX_STATUS_INVALID_ARGUMENT. (ABI 0.5) */
PX_API PX_NODISCARD px_status px_model_set_loss_weights(px_model *model, const double *weights,
                                                        size_t count);

/* Writes the number of optimizer steps applied so far (Keras's `model.optimizer.iterations`).
 * A model that is not compiled fails with PX_STATUS_INVALID_STATE. */
PX_API PX_NODISCARD px_status px_model_iterations(px_model *model, int64_t *out_iterations);

/* How fit, evaluate and predict run their steps (Keras's `compile(jit_compile=...,
 * run_eagerly=...)`): compiled, each step captured once per signature and then replayed
 * (`jit_compile` PX_OPTION_DEFAULT, Keras's "auto": a step that cannot be replayed runs eagerly
 * with one logged line; PX_OPTION_ON: that is an error), or eagerly, op by op (PX_OPTION_OFF,
 * or `run_eagerly` 1, which wins). Any other `jit_compile`, or a `run_eagerly` other than 0 or
 * 1, is PX_STATUS_INVALID_ARGUMENT. Takes effect from the next step. (ABI 0.5) */
PX_API PX_NODISCARD px_status px_model_set_execution(px_model *model, int32_t jit_compile,
                                                     int32_t run_eagerly);

/* Writes what a compiled step of the model has done, for `step` PX_STEP_TRAIN, PX_STEP_TEST or
 * PX_STEP_PREDICT, into out_counts[0..3]: [0] calls run eagerly (warm-ups and steps that cannot be replayed),
 * [1] captures, [2] replays, [3] retraces (new signatures after the first, each logged). A train
 * or test step of a model that is not compiled reads zeros. (ABI 0.5) */
#define PX_STEP_TRAIN 0
#define PX_STEP_TEST 1
#define PX_STEP_PREDICT 2
PX_API PX_NODISCARD px_status px_model_step_counts(px_model *model, int32_t step,
                                                   int64_t *out_counts);

/* ---------------------------------------------------------------------------------------------
 * Logs: names with lists of values (one per epoch in a history, one in evaluation logs)
 * ------------------------------------------------------------------------------------------- */

PX_API PX_NODISCARD px_status px_logs_count(const px_logs *logs, size_t *out_count);
PX_API PX_NODISCARD px_status px_logs_name(
    const px_logs *logs, size_t index, char *buffer, size_t capacity, size_t *needed);
/* Writes the values of entry `index` into `values` (capacity values; NULL with 0 to ask) and
 * their number into *out_count. A too-small capacity fails and still writes *out_count. */
PX_API PX_NODISCARD px_status px_logs_values(
    const px_logs *logs, size_t index, double *values, size_t capacity, size_t *out_count);
/* Writes the last value recorded under `name`. */
PX_API PX_NODISCARD px_status px_logs_get(const px_logs *logs, const char *name, double *out_value);
PX_API void px_logs_release(px_logs *logs);

/* ---------------------------------------------------------------------------------------------
 * Metrics and losses on their own: Keras's `metric.update_state(...)` / `result()` and
 * `loss(y_true, y_pred)`, outside any model
 * ------------------------------------------------------------------------------------------- */

/* A metric that accumulates batches. */
typedef struct px_metric px_metric;

/* Creates a metric from what px_model_compile takes: a Keras name ("accuracy", "auc", "mae",
 * "mse") or a serialized metric's JSON. A name means what keras.metrics.get gives ("accuracy"
 * compares labels and predictions for equality). (ABI 0.10) */
PX_API PX_NODISCARD px_status px_metric_create(const char *metric, px_metric **out_metric);
/* Adds a batch, as Keras's `update_state(y_true, y_pred, sample_weight)`: labels, predictions
 * and per-sample weights (NULL: none). Shapes or values the metric cannot take fail with
 * PX_STATUS_INVALID_ARGUMENT naming the metric. Calls on one metric from several threads run
 * one at a time. (ABI 0.10) */
PX_API PX_NODISCARD px_status px_metric_update(px_metric *metric, const px_tensor *y_true,
                                               const px_tensor *y_pred,
                                               const px_tensor *sample_weight);
/* Writes the metric's value over every batch since it was made or reset (Keras's `result()`;
 * 0 before any batch). A metric whose Keras result is several numbers (F1Score with
 * average=None: one per class; Precision or Recall at several thresholds) writes the number it
 * logs in training: the mean over classes, the first threshold's. (ABI 0.10) */
PX_API PX_NODISCARD px_status px_metric_result(px_metric *metric, double *out_value);
/* Writes every number of the metric's Keras result (one for most metrics) into `values`
 * (capacity numbers; NULL with 0 to ask) and their count into *out_count. A too-small capacity
 * fails and still writes *out_count. (ABI 0.10) */
PX_API PX_NODISCARD px_status px_metric_results(px_metric *metric, double *values,
                                                size_t capacity, size_t *out_count);
/* Forgets every batch (Keras's `reset_state()`). (ABI 0.10) */
PX_API PX_NODISCARD px_status px_metric_reset(px_metric *metric);
PX_API void px_metric_release(px_metric *metric);

/* The loss of predictions, as Keras's `loss(y_true, y_pred, sample_weight)`: `loss` as
 * px_model_compile takes it (a name or a serialized loss's JSON), applied with its reduction
 * to labels, predictions and per-sample weights (NULL: none). Writes a new tensor into *out: a
 * scalar (shape []) or, with reduction "none", one value per sample. Shapes the loss cannot take
 * fail with PX_STATUS_INVALID_ARGUMENT. (ABI 0.10) */
PX_API PX_NODISCARD px_status px_loss_call(const char *loss, const px_tensor *y_true,
                                           const px_tensor *y_pred,
                                           const px_tensor *sample_weight, px_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* PLEXUS_H */
