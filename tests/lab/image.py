# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The busybox:latest image, made from Debian's busybox-static (no registry is reachable).

It is imported once and then copied with save/load, so every engine holds the same image id
(image affinity by id needs that).
"""
from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from . import LabError
from .config import DATA_DIR, Engine
from .engines import client

IMAGE = "busybox:latest"
BUSYBOX = Path("/bin/busybox")


def _rootfs_tar() -> bytes:
    if not BUSYBOX.exists():
        raise LabError("/bin/busybox is missing: run `make deps` (Debian package busybox-static)")
    applets = subprocess.run([str(BUSYBOX), "--list"], capture_output=True, text=True, check=True).stdout.split()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for folder in ("bin", "tmp", "www", "etc", "var", "proc", "sys", "dev"):
            info = tarfile.TarInfo(folder)
            info.type, info.mode = tarfile.DIRTYPE, 0o1777 if folder == "tmp" else 0o755
            tar.addfile(info)
        data = BUSYBOX.read_bytes()
        info = tarfile.TarInfo("bin/busybox")
        info.size, info.mode = len(data), 0o755
        tar.addfile(info, io.BytesIO(data))
        for applet in applets:
            if applet == "busybox":
                continue
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type, link.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(link)
        page = b"<html><body>dockyard lab</body></html>\n"
        info = tarfile.TarInfo("www/index.html")
        info.size = len(page)
        tar.addfile(info, io.BytesIO(page))
        for name, text in (("etc/passwd", b"root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n"),
                           ("etc/group", b"root:x:0:\nnogroup:x:65534:\n")):
            info = tarfile.TarInfo(name)
            info.size = len(text)
            tar.addfile(info, io.BytesIO(text))
    return buf.getvalue()


def _has_image(cli) -> str | None:
    try:
        return cli.inspect_image(IMAGE)["Id"]
    except Exception:  # noqa: BLE001 - docker.errors.ImageNotFound
        return None


def ensure(engines: list[Engine]) -> str:
    """Make busybox:latest present, with one image id, on every engine; return that id."""
    saved = DATA_DIR / "busybox.tar"
    clients = {e.name: client(e, timeout=120) for e in engines}
    try:
        ids = {name: _has_image(cli) for name, cli in clients.items()}
        source = next((name for name, image_id in ids.items() if image_id), None)
        if source is None:
            source = engines[0].name
            clients[source].import_image_from_data(_rootfs_tar(), repository="busybox", tag="latest",
                                                   changes=['CMD ["sh"]'])
            ids[source] = _has_image(clients[source])
            saved.unlink(missing_ok=True)
        wanted = ids[source]
        if any(image_id != wanted for image_id in ids.values()):
            if not saved.exists():
                saved.write_bytes(b"".join(clients[source].get_image(IMAGE)))
            data = saved.read_bytes()
            for name, image_id in ids.items():
                if image_id != wanted:
                    list(clients[name].load_image(data))
                    ids[name] = _has_image(clients[name])
        if any(image_id != wanted for image_id in ids.values()):
            raise LabError(f"busybox image ids differ between engines: {ids}")
        return wanted
    finally:
        for cli in clients.values():
            cli.close()
