/*
 * test_sweep: a hostile caller of libplexus_c, compiled against include/ alone.
 *
 * Calls every function declared in include/plexus.h with NULL, released, forged and wrong-type
 * handles, NULL out-parameters, wrong dtypes and shapes, huge and negative sizes, out-of-range
 * values, malformed and deeply nested JSON and strings that are not UTF-8, and checks the status,
 * that px_last_error_message() names what was wrong and that out-parameters are untouched. Then
 * the happy paths: tensors (copy, view with a deleter, retain/release), DLPack both ways, keras.ops
 * by name, a Sequential model layer by layer and from JSON, compile by name and by JSON config,
 * fit with a progress callback (Keras event order, cancel, stop_training, re-entry), history,
 * evaluate, predict, train_on_batch, weights, summary, JSON round trip, process settings, seed
 * reproducibility, several threads sharing one model, what a progress callback may do to the
 * model it reports on, and the compiled optimizer's learning rate and step count.
 *
 * Output is TAP-style: one "ok N - ..." / "not ok N - ..." line per check, "#" lines for details,
 * and "1..N" at the end. Exits non-zero when a check failed.
 *
 * Usage: test_sweep [--list] [SECTION...]   (no section: all of them, in one process)
 *
 * The files: sweep.h (what they share), support.c (the checks and their report, the helpers, the
 * learnable problem), one file per section (basics.c ... threads.c, callbacks.c, learning_rate.c;
 * training_events.c holds the training section's progress recorder) and this one, the table of
 * sections and main().
 */
#include "sweep.h"

typedef struct {
  const char *name;
  void (*run)(void);
} section;

static const section sections[] = {
    {"basics", section_basics},     {"tensors", section_tensors},   {"dlpack", section_dlpack},
    {"ops", section_ops},           {"layers", section_layers},     {"models", section_models},
    {"training", section_training}, {"weights", section_weights},   {"handles", section_handles},
    {"seed", section_seed},         {"threads", section_threads},
    {"callbacks", section_callbacks}, {"trainable", section_trainable}, {"sharing", section_sharing}, {"call", section_call},
    {"metrics", section_metrics}, {"validation", section_validation},
    {"plugins", section_plugins},     {"files", section_files},
    {"learning_rate", section_learning_rate}, {"execution", section_execution},
    {"distribution", section_distribution}, {"datasets", section_datasets},
    {"weighting", section_weighting},
};

int main(int argc, char **argv) {
  size_t section_count = sizeof sections / sizeof sections[0];
  if (argc == 5 && strcmp(argv[1], "--save-loop") == 0)
    return save_loop(argv[2], argv[3], argv[4]);
  if (argc == 2 && strcmp(argv[1], "--list") == 0) {
    for (size_t i = 0; i < section_count; i++) printf("%s\n", sections[i].name);
    return 0;
  }
  /* PLEXUS_BACKEND picks the process default backend, as the plexus command line does (the
   * valgrind run uses the reference backend, which is the fastest to run under it). */
  const char *backend = getenv("PLEXUS_BACKEND");
  if (backend != NULL && backend[0] != '\0')
    expect(px_config_set_backend(backend), OK_, 1, NULL,
           "px_config_set_backend(\"%s\") from PLEXUS_BACKEND", backend);
  for (size_t i = 0; i < section_count; i++) {
    int selected = argc == 1;
    for (int a = 1; a < argc; a++)
      if (strcmp(argv[a], sections[i].name) == 0) selected = 1;
    if (!selected) continue;
    printf("# section %s\n", sections[i].name);
    fflush(stdout);
    /* a seed per section: the same run every time, whichever sections run before */
    if (px_config_set_seed(1000 + (uint64_t)i) != PX_STATUS_OK)
      check(0, "px_config_set_seed before section %s", sections[i].name);
    sections[i].run();
  }
  for (int a = 1; a < argc; a++) {
    int known = 0;
    for (size_t i = 0; i < section_count; i++)
      if (strcmp(argv[a], sections[i].name) == 0) known = 1;
    if (!known) {
      fprintf(stderr, "test_sweep: unknown section '%s' (see --list)\n", argv[a]);
      return 2;
    }
  }
  printf("1..%d\n", checks);
  return failures == 0 ? 0 : 1;
}
