/*
 * test_sweep, section "distribution": px_distribution_* outside mpirun (one process: MPI is not
 * loaded). Hostile bucket sizes and a NULL message, then setting, reading and clearing the
 * distribution; a data-parallel fit of one process trains as an ordinary one does. The
 * multi-process behaviour is tested under mpirun by the Swift and Python suites.
 */
#include "sweep.h"

void section_distribution(void) {
  int32_t active = -1, rank = -1, count = -1;
  px_status st = px_distribution_info(NULL, NULL, NULL);
  expect(st, OK_, 1, NULL, "px_distribution_info takes NULL out-pointers");
  st = px_distribution_info(&active, &rank, &count);
  expect(st, OK_, active == 0 && rank == 0 && count == 1, NULL,
         "no distribution at first (active %d, rank %d of %d)", active, rank, count);
  rank = count = -1;
  st = px_distribution_world(&rank, &count);
  expect(st, OK_, rank == 0 && count == 1, NULL,
         "outside mpirun the world is one process (rank %d of %d)", rank, count);

  const size_t bad[] = {1, 1023, ((size_t)1 << 29) + 1, SIZE_MAX};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    st = px_distribution_set_data_parallel(bad[i]);
    expect(st, IA_, 1, "px_distribution_set_data_parallel|bucket_bytes",
           "px_distribution_set_data_parallel(%zu) fails naming bucket_bytes", bad[i]);
  }
  st = px_distribution_info(&active, NULL, NULL);
  expect(st, OK_, active == 0, NULL, "a refused bucket sets nothing (active %d)", active);

  st = px_distribution_announce_failure(NULL);
  expect(st, IA_, 1, "px_distribution_announce_failure|message",
         "px_distribution_announce_failure(NULL) fails naming the message");

  st = px_distribution_set_data_parallel(0);
  expect(st, OK_, 1, NULL, "px_distribution_set_data_parallel(0) sets the default bucket");
  active = rank = count = -1;
  st = px_distribution_info(&active, &rank, &count);
  expect(st, OK_, active == 1 && rank == 0 && count == 1, NULL,
         "and reads back (active %d, rank %d of %d)", active, rank, count);
  st = px_distribution_announce_failure("nothing to tell: one process");
  expect(st, OK_, 1, NULL, "announcing a failure with no other process is harmless");
  st = px_distribution_set_data_parallel(1024);
  expect(st, OK_, 1, NULL, "px_distribution_set_data_parallel(1024) replaces it");

  st = px_distribution_clear();
  expect(st, OK_, 1, NULL, "px_distribution_clear succeeds");
  st = px_distribution_info(&active, &rank, &count);
  expect(st, OK_, active == 0 && rank == 0 && count == 1, NULL,
         "and no distribution is set after it (active %d)", active);
  st = px_distribution_clear();
  expect(st, OK_, 1, NULL, "clearing twice is harmless");
}
