"""Waiting for Streamlit's script runs in a browser test, on conditions and never on the clock.

Streamlit shows its run state on the stApp element (`data-test-script-state`), but React draws only
the last state it was given: a run that starts and ends between two renders never shows as
"running", so watching that attribute misses it. The browser's WebSocket does not miss it: every
run begins with a `new_session` message and ends with a `script_finished` message, in order.
`watch_runs` installs, before the page's own scripts, a listener that counts them:

    window.__streamlitRuns = {started, finished}

`started` counts the runs begun; `finished` is the number of the last run that finished (a run
stopped early for a rerun does not count: the rerun that follows does). The message numbers come
from Streamlit's own protocol definitions, so they follow the installed Streamlit.

`app_run(page)` wraps an action: after it, it waits until a run that started after the action
began has finished, no later run is under way, and the page shows the app connected and not
running with no element left over from an earlier run. The test then waits for what the action
must produce (a heading, a text, a count) with Playwright's auto-waiting `expect`.
"""

from __future__ import annotations

import contextlib

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

_FIELDS = ForwardMsg.DESCRIPTOR.fields_by_name
_ENDS = [
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
]  # not FINISHED_EARLY_FOR_RERUN: its rerun follows

# Reads the top level of each ForwardMsg (protobuf: a varint key, then a varint or a length-prefixed
# body); counting is deferred by one task so that Streamlit's own handler, which is called after this
# listener, has dispatched the message to the app before the count says so.
RUN_COUNTER = """
(() => {
  if (window.__streamlitRuns) return;
  const runs = window.__streamlitRuns = {started: 0, finished: 0};
  const NEW_SESSION = %(new_session)d, SCRIPT_FINISHED = %(script_finished)d, ENDS = %(ends)s;
  const varint = (bytes, at) => {
    let value = 0, scale = 1, byte;
    do { byte = bytes[at++]; value += (byte & 0x7f) * scale; scale *= 128; } while (byte & 0x80);
    return [value, at];
  };
  const count = (bytes) => {
    let at = 0, key, value;
    while (at < bytes.length) {
      [key, at] = varint(bytes, at);
      const field = Math.floor(key / 8), wire = key & 7;
      if (wire === 0) {
        [value, at] = varint(bytes, at);
        if (field === SCRIPT_FINISHED && ENDS.includes(value)) runs.finished = runs.started;
      } else if (wire === 2) {
        [value, at] = varint(bytes, at);
        if (field === NEW_SESSION) runs.started += 1;
        at += value;
      } else if (wire === 1) at += 8;
      else if (wire === 5) at += 4;
      else return;
    }
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (event.data instanceof ArrayBuffer) {
          const bytes = new Uint8Array(event.data);
          setTimeout(() => count(bytes), 0);
        }
      });
    }
  };
})();
""" % {
    "new_session": _FIELDS["new_session"].number,
    "script_finished": _FIELDS["script_finished"].number,
    "ends": [int(e) for e in _ENDS],
}

# Settled after run number `after`: a later run has finished and none is under way, and the page
# shows it: connected, not running, and no element still marked stale from an earlier run.
_SETTLED = """(after) => {
  const runs = window.__streamlitRuns, app = document.querySelector("[data-testid='stApp']");
  return !!runs && !!app && runs.finished > after && runs.finished === runs.started
      && app.getAttribute("data-test-connection-state") === "CONNECTED"
      && app.getAttribute("data-test-script-state") === "notRunning"
      && !document.querySelector("[data-testid='stElementContainer'][data-stale='true']");
}"""


def watch_runs(context):
    """The browser context, its pages counting Streamlit's script runs (before their own scripts run)."""
    context.add_init_script(RUN_COUNTER)
    return context


def runs_started(page) -> int:
    return page.evaluate("() => window.__streamlitRuns.started")


def wait_for_runs_after(page, after: int, timeout: float = 60_000) -> None:
    """Until a run numbered above `after` has finished, none is under way, and the page shows it."""
    page.wait_for_function(_SETTLED, arg=after, timeout=timeout)


def loaded(page, timeout: float = 60_000) -> None:
    """After `goto` or `reload`: the document's first runs are over (its counter starts at zero)."""
    wait_for_runs_after(page, 0, timeout=timeout)


@contextlib.contextmanager
def app_run(page, timeout: float = 60_000):
    """Around an action that makes Streamlit run the script: on leaving the block, waits until the
    run it caused (and any rerun that run asked for) is over and shown."""
    before = runs_started(page)
    yield
    wait_for_runs_after(page, before, timeout=timeout)
