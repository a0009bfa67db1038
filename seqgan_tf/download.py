"""Downloads a public file once and checks its sha256."""

import hashlib
import os
import urllib.error
import urllib.request


def sha256_of(path):
  digest = hashlib.sha256()
  with open(path, "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
      digest.update(block)
  return digest.hexdigest()


def fetch(url, sha256, path, fix):
  """`path`, downloaded from `url` unless already there, with its hash checked.

  Args:
    url: where the file lives.
    sha256: its expected hex digest.
    path: where it is kept.
    fix: what the user can do when offline, e.g. "pass --data_file=PATH".

  Raises:
    ValueError: offline (nothing is left behind), or the hash differs.
  """
  if not os.path.isfile(path):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    partial = path + ".partial"
    try:
      urllib.request.urlretrieve(url, partial)
    except (urllib.error.URLError, OSError) as e:
      if os.path.exists(partial):
        os.remove(partial)
      raise ValueError(f"could not download {url} ({e}); {fix}") from None
    os.replace(partial, path)
  digest = sha256_of(path)
  if digest != sha256:
    raise ValueError(f"{path}: sha256 {digest} is not the expected {sha256}; "
                     "delete it and retry")
  return path
