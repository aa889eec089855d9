#include "plexus_support.h"

#include <dlfcn.h>
#include <stddef.h>

/* CPython's C API, looked up in the running process (Plexus does not link Python). Casts go
 * through a void ** so that C99 -pedantic accepts a data pointer becoming a function pointer. */
typedef int (*capsule_is_valid_fn)(void *capsule, const char *name);
typedef void *(*capsule_get_pointer_fn)(void *capsule, const char *name);
typedef void (*error_fetch_fn)(void **type, void **value, void **traceback);
typedef void (*error_restore_fn)(void *type, void *value, void *traceback);

static void *python_symbol(const char *name) { return dlsym(RTLD_DEFAULT, name); }

void px_dlpack_capsule_destructor(void *capsule) {
  capsule_is_valid_fn is_valid;
  capsule_get_pointer_fn get_pointer;
  error_fetch_fn fetch;
  error_restore_fn restore;
  *(void **)(&is_valid) = python_symbol("PyCapsule_IsValid");
  *(void **)(&get_pointer) = python_symbol("PyCapsule_GetPointer");
  *(void **)(&fetch) = python_symbol("PyErr_Fetch");
  *(void **)(&restore) = python_symbol("PyErr_Restore");
  if (capsule == NULL || is_valid == NULL || get_pointer == NULL || fetch == NULL
      || restore == NULL) {
    return;
  }
  /* Keep the error a consumer set while it dropped the capsule: the deleter may run Python. */
  void *type = NULL, *value = NULL, *traceback = NULL;
  fetch(&type, &value, &traceback);
  if (is_valid(capsule, "dltensor_versioned")) {
    struct DLManagedTensorVersioned *managed = get_pointer(capsule, "dltensor_versioned");
    if (managed != NULL && managed->deleter != NULL) managed->deleter(managed);
  } else if (is_valid(capsule, "dltensor")) {
    DLManagedTensor *managed = get_pointer(capsule, "dltensor");
    if (managed != NULL && managed->deleter != NULL) managed->deleter(managed);
  }
  restore(type, value, traceback);
}
