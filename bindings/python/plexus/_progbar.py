"""`Progbar`: Keras's progress bar, drawn the same way.

    1875/1875 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - accuracy: 0.8253 - loss: 0.4957

verbose=1 redraws one line in place (every 0.05 s at most) and ends it at the epoch's end;
verbose=2 prints one line per epoch without the bar. The values shown are those the logs hold
(Plexus's logs are already running means over the epoch)."""

import math
import os
import sys
import time

__all__ = ["Progbar"]


class Progbar:
    """A text progress bar. Equivalent to `keras.utils.Progbar`."""

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name="step", file=None):  # fmt: skip
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.file = file
        stream = file or sys.stdout
        self._dynamic_display = (
            (hasattr(stream, "isatty") and stream.isatty())
            or "ipykernel" in sys.modules
            or "posix" in sys.modules
            or "PYCHARM_HOSTED" in os.environ
        )
        self._values = {}
        self._values_order = []
        self._seen_so_far = 0
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step = None
        self._prev_total_width = 0

    def _write(self, text):
        stream = self.file or sys.stdout
        stream.write(text)
        stream.flush()

    def update(self, current, values=None, finalize=None):
        """Shows `current` steps done and the (name, value) pairs of `values`."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for key, value in values or []:
            if key not in self._values_order:
                self._values_order.append(key)
            self._values[key] = value
        self._seen_so_far = current
        now = time.time()
        time_per_unit = self._step_duration(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            message = ("\b" * self._prev_total_width + "\r") if self._dynamic_display else "\n"
            special = 0
            if self.target is not None:
                digits = int(math.log10(self.target)) + 1 if self.target > 0 else 1
                count = f"{current:{digits}d}/{self.target}"
                bar = f"\x1b[1m{count}\x1b[0m "
                special += 8
                done = int(self.width * current / self.target) if self.target else self.width
                if done > 0:
                    bar += "\33[32m" + "━" * done + "\x1b[0m"
                    special += 9
                bar += "\33[37m" + "━" * (self.width - done) + "\x1b[0m"
                special += 9
            else:
                bar = f"{current:7d}/Unknown"
            if self.target is not None and not finalize:
                info = f" \x1b[1m{_eta(time_per_unit * (self.target - current))}\x1b[0m"
            else:
                info = f" \x1b[1m{now - self._start:.0f}s\x1b[0m"
            special += 8
            info += _format_time(time_per_unit, self.unit_name)
            info += self._metrics()
            message += bar + info
            total_width = len(bar) + len(info) - special
            if self._prev_total_width > total_width:
                message += " " * (self._prev_total_width - total_width)
            if finalize:
                message += "\n"
            self._write(message)
            self._prev_total_width = total_width
        elif self.verbose == 2 and finalize:
            target = self.target if self.target is not None else current
            digits = int(math.log10(target)) + 1 if target > 0 else 1
            info = f"{current:{digits}d}/{target} - {now - self._start:.0f}s -"
            info += _format_time(time_per_unit, self.unit_name)
            info += self._metrics()
            self._write(info + "\n")
        self._last_update = now

    def add(self, n, values=None):
        self.update(self._seen_so_far + n, values)

    def _metrics(self):
        text = ""
        for key in self._values_order:
            value = self._values[key]
            if isinstance(value, (int, float)):
                text += f" - {key}: {value:.4f}" if abs(value) > 1e-3 else f" - {key}: {value:.4e}"
            else:
                text += f" - {key}: {value}"
        return text

    def _step_duration(self, current, now):
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            duration = (now - self._time_after_first_step) / (current - 1)
        else:
            duration = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return duration


def _eta(seconds):
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


def _format_time(time_per_unit, unit_name):
    if time_per_unit >= 1 or time_per_unit == 0:
        return f" {time_per_unit:.0f}s/{unit_name}"
    if time_per_unit >= 1e-3:
        return f" {time_per_unit * 1e3:.0f}ms/{unit_name}"
    return f" {time_per_unit * 1e6:.0f}us/{unit_name}"
