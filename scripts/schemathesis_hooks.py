"""Schemathesis hooks for scripts/schemathesis.sh: steer some generated requests onto real records.

Generated ids almost never name a record that exists, so most requests would stop at 403 or 404 before
the code that reads the body. These hooks swap in, for about half of the generated cases (chosen from
the generated value itself, so a seed still gives the same run), the ids the script set up: the
laptop's device id in sync bodies, an interview for the interview and review routes, the interviewer
for enrolment codes. The rest stay as generated, so bad ids are fuzzed too.
"""

import os
import zlib

import schemathesis

DEVICE = os.environ.get("VELDWERK_DEVICE", "")
INTERVIEW = os.environ.get("VELDWERK_INTERVIEW", "")
INTERVIEWER = os.environ.get("VELDWERK_INTERVIEWER", "")


def _half(value) -> bool:
    """A stable coin: true for about half of the generated values."""
    return zlib.crc32(repr(value).encode()) % 2 == 0


def _path(ctx) -> str:
    return ctx.operation.path if ctx.operation is not None else ""


@schemathesis.hook
def map_body(ctx, body):
    if _path(ctx) == "/v1/sync" and DEVICE and isinstance(body, dict) and _half(body):
        body["device"] = DEVICE
    return body


@schemathesis.hook
def map_path_parameters(ctx, parameters):
    if not isinstance(parameters, dict) or not _half(parameters):
        return parameters
    path = _path(ctx)
    if INTERVIEW and "id" in parameters and path.startswith(("/v1/interviews/", "/v1/review/interviews/")):
        parameters["id"] = INTERVIEW
    elif INTERVIEWER and path == "/v1/users/{id}/enrolment-code":
        parameters["id"] = INTERVIEWER
    return parameters
