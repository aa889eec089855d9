/*
 * sweep.h: what the files of test_sweep share (see main.c): the checks and their report, the
 * sentinels, the helpers of support.c, the learnable problem and one function per section.
 * Every file of sweep/ includes it first.
 */
#ifndef PLEXUS_TEST_SWEEP_H
#define PLEXUS_TEST_SWEEP_H

#define _POSIX_C_SOURCE 200809L

#include <plexus.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * Checks and their report
 * ------------------------------------------------------------------------------------------- */

extern int checks;   /* the checks run so far: the number of the last "ok N" line */
extern int failures; /* how many of them failed */

#define BIT(status) (1u << (unsigned)(status))
#define OK_ BIT(PX_STATUS_OK)
#define IA_ BIT(PX_STATUS_INVALID_ARGUMENT)
#define STATE_ BIT(PX_STATUS_INVALID_STATE)
#define UNSUP_ BIT(PX_STATUS_UNSUPPORTED)
#define OOM_ BIT(PX_STATUS_OUT_OF_MEMORY)
#define CANCEL_ BIT(PX_STATUS_CANCELLED)

/* Sentinels that out-parameters hold before a call that must fail and leave them untouched. */
#define SENTINEL_TENSOR ((px_tensor *)(uintptr_t)0x5e7e1)
#define SENTINEL_MODEL ((px_model *)(uintptr_t)0x5e7e2)
#define SENTINEL_LAYER ((px_layer *)(uintptr_t)0x5e7e3)
#define SENTINEL_LOGS ((px_logs *)(uintptr_t)0x5e7e4)
#define SENTINEL_POINTER ((void *)(uintptr_t)0x5e7e5)
#define SENTINEL_MANAGED ((struct DLManagedTensorVersioned *)(uintptr_t)0x5e7e6)
#define SENTINEL_SIZE ((size_t)0x5e7e7)

const char *status_name(px_status status);
/* A plain check; on failure it shows this thread's last error. */
int check(int passed, const char *format, ...);
/* The check of a call that must fail (see support.c). */
int expect(px_status status, unsigned expected, int untouched, const char *needles,
           const char *format, ...);
int contains(const char *text, const char *part);
/* Whether `text` contains (case-insensitively) one of the '|'-separated `alternatives`. */
int mentions(const char *text, const char *alternatives);
/* The last error is empty: a successful call cleared it. */
int error_cleared(void);

/* ---------------------------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------------------------- */

extern pthread_mutex_t counter_lock; /* guards the counters of the deleters */
void counting_deleter(void *data, void *user);
void freeing_deleter(void *data, void *user);
int read_counter(const int *counter);

px_tensor *make_f32(const int64_t *shape, size_t rank, const float *values);
px_tensor *make_i32(const int64_t *shape, size_t rank, const int32_t *values);
px_tensor *vector_f32(size_t count, const float *values);
size_t read_f32(const px_tensor *tensor, float *out, size_t capacity);
int has_shape(const px_tensor *tensor, const int64_t *shape, size_t rank);
int close_to(double a, double b, double tolerance);
char *nested_json(size_t depth, char open, const char *middle, char close);
char *self_nested_model_json(size_t depth);

/* A string that is not UTF-8. */
extern const char NOT_UTF8[];

/* ---------------------------------------------------------------------------------------------
 * The learnable problem: 256 points in [-1, 1]^2, labelled by the side of the line x0 + x1 = 0
 * ------------------------------------------------------------------------------------------- */

#define SAMPLES 256
#define FEATURES 2
#define HIDDEN 16
#define CLASSES 2

extern float xs[SAMPLES * FEATURES];
extern int32_t ys[SAMPLES];
void make_problem(void);

extern const char *const MLP_JSON;
extern const char *const ADAM_JSON;
extern const char *const SCCE_LOGITS_JSON;
px_model *make_sequential_by_layers(const char *name);
px_model *make_json_model(void);

size_t log_values(const px_logs *logs, const char *name, double *values, size_t capacity);
px_fit_options fit_options(int64_t epochs, int64_t batch_size);
float *snapshot_weights(px_model *model, size_t *total);
/* Copies the float32 weight at `path` into `out` (capacity floats); the count, 0 on failure. */
size_t read_weight(px_model *model, const char *path, float *out, size_t capacity);
int same_weights(px_model *model, const float *before, size_t total);

/* ---------------------------------------------------------------------------------------------
 * The sections, in the order main.c runs them
 * ------------------------------------------------------------------------------------------- */

void section_basics(void);
void section_tensors(void);
void section_dlpack(void);
void section_ops(void);
void section_layers(void);
void section_models(void);
void section_training(void);
void section_datasets(void);
void section_weighting(void);
void section_weights(void);
void section_handles(void);
void section_seed(void);
void section_threads(void);
void section_callbacks(void);
void section_trainable(void);
void section_sharing(void);
void section_call(void);
void section_metrics(void);
void section_validation(void);
void section_plugins(void);
void section_files(void);
void section_learning_rate(void);
void section_execution(void);
void section_distribution(void);
/* `test_sweep --save-loop PATH SEED FD` (files.c): saves a model over PATH until killed. */
int save_loop(const char *path, const char *seed, const char *fd);

#endif
