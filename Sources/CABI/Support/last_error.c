#include "plexus_support.h"

#include <string.h>

/* Long enough for any message Plexus writes; longer ones are cut at a character boundary. */
enum { PX_LAST_ERROR_CAPACITY = 1024 };

static _Thread_local char last_error[PX_LAST_ERROR_CAPACITY];

const char *px_last_error_message(void) { return last_error; }

void px_support_set_last_error(const char *message) {
  size_t length = message == NULL ? 0 : strlen(message);
  if (length >= PX_LAST_ERROR_CAPACITY) {
    length = PX_LAST_ERROR_CAPACITY - 1;
    /* Step back over UTF-8 continuation bytes so the text stays valid UTF-8. */
    while (length > 0 && ((unsigned char)message[length] & 0xC0) == 0x80) length--;
  }
  if (length > 0) memcpy(last_error, message, length);
  last_error[length] = '\0';
}

static _Thread_local int callback_depth;

int px_support_callback_depth(int delta) {
  callback_depth += delta;
  return callback_depth;
}
