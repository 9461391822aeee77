"""Files (§3.5) and upload sessions (§3.6): /file/test, /file/s3_test,
/files..., /uploads..., /users/{user_id}/uploads.

File contents and partial uploads live on disk (a temporary directory per
server state, removed on reset and at exit), not in memory between requests.

Toggles (control API): ``filestore_probe_fails``, ``attach_file`` (file id ->
gets a post id), ``upload_cut`` - the next upload data request(s) keep only
the first ``after`` bytes of their body and the connection is then closed
without an answer, as when it drops mid-upload (an int N = {"after": N,
"times": 1}; ``times`` requests are cut; null clears it).
"""

import atexit
import base64
import copy
import hashlib
import mimetypes
import os
import re
import shutil
import struct
import tempfile
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import quote

import cfgutil
from core import (FAKE_SETTING, AppError, MultipartError, Response, go_decode, invalid_body_param,
                  invalid_param, invalid_url_param, is_valid_id, json_response, multipart_form,
                  new_id, now_ms, ok_response, parse_content_type, parse_multipart,
                  permission_error, JSONDecodeFailure)

_DIRS = []


def _remove_dirs():
    for d in _DIRS:
        shutil.rmtree(d, ignore_errors=True)


atexit.register(_remove_dirs)


def _cut_connection():
    """Close the connection without an answer: SystemExit passes the
    handler's error handling, socketserver shuts the request down in a
    finally block and threading ignores SystemExit (exactly that class)."""
    raise SystemExit("stand-in: connection cut")


def init_state(st):
    old = getattr(st, "files_dir", None)
    if old:
        shutil.rmtree(old, ignore_errors=True)
        if old in _DIRS:
            _DIRS.remove(old)
    # Next to the port file or socket when given (the test harness puts
    # them in a private directory it removes even after killing the
    # server), else in the system's temporary directory.
    near = getattr(st.opts, "port_file", None) or getattr(st.opts, "socket", None)
    base = os.path.dirname(os.path.abspath(near)) if near else None
    st.files_dir = tempfile.mkdtemp(prefix="mmadm-standin-files-", dir=base)
    _DIRS.append(st.files_dir)
    st.files = {}           # id -> {"info": FileInfo, "path": file on disk}
    st.uploads = {}         # id -> {"session": UploadSession, "path": partial data}
    st.filestore_probe_fails = False
    st.upload_cut = None    # {"after": bytes kept, "times": requests cut}


def apply_toggle(st, key, value):
    if key == "filestore_probe_fails":
        st.filestore_probe_fails = bool(value)
        return True
    if key == "attach_file":
        f = st.files.get(value)
        if f is None:
            raise ValueError("unknown file id %r" % value)
        f["info"]["post_id"] = new_id()
        return True
    if key == "upload_cut":
        if value is None:
            st.upload_cut = None
        elif isinstance(value, int) and not isinstance(value, bool):
            st.upload_cut = {"after": value, "times": 1}
        elif isinstance(value, dict) and isinstance(value.get("after"), int):
            st.upload_cut = {"after": value["after"], "times": int(value.get("times", 1))}
        else:
            raise ValueError("upload_cut takes N or {\"after\": N, \"times\": K}")
        return True
    return False


def state_view(st):
    return {"files": len(st.files), "uploads": len(st.uploads), "upload_cut": st.upload_cut}


def file_data(st, fid):
    """The stored bytes of a file (read from disk)."""
    with open(st.files[fid]["path"], "rb") as f:
        return f.read()


# --- file store connection tests ---------------------------------------------------------

AZURE_REQUIRED = ("AzureStorageAccount", "AzureContainer", "AzureAccessKey")


def _body_config(ctx):
    """Config from the body, or None when absent/unparsable (then the running
    config is tested)."""
    try:
        v = go_decode(ctx.body)
    except JSONDecodeFailure:
        return None
    if not isinstance(v, dict):
        return None
    try:
        cfgutil.decode_partial(v, ctx.state.model_defaults)
    except cfgutil.ConfigTypeError:
        return None
    return v


def _has_nil(fs, keys):
    if not isinstance(fs, dict):
        return True
    return any(fs.get(k) is None for k in keys)


def _probe(st, fs):
    driver = fs.get("DriverName")
    if st.filestore_probe_fails:
        raise AppError(500, "api.file.test_connection.app_error", "simulated probe failure")
    if driver == "amazons3":
        if fs.get("AmazonS3AccessKeyId") == "bad-key" or fs.get("AmazonS3SecretAccessKey") in (FAKE_SETTING, "bad-secret"):
            raise AppError(500, "api.file.test_connection_s3_auth.app_error",
                           "The AWS Access Key Id you provided does not exist in our records.")
        if "unreachable" in (fs.get("AmazonS3Endpoint") or ""):
            raise AppError(500, "api.file.test_connection.app_error", "dial tcp: connection refused")
        if fs.get("AmazonS3Bucket") == "missing-bucket":
            raise AppError(500, "api.file.test_connection_s3_bucket_does_not_exist.app_error",
                           "bucket does not exist")
    elif driver == "azureblob":
        if fs.get("AzureAccessKey") in ("bad-key", FAKE_SETTING) or fs.get("AzureStorageAccount") == "bad-account":
            raise AppError(500, "api.file.test_connection_azure_auth.app_error", "AuthenticationFailed")
        if fs.get("AzureContainer") == "missing-container":
            raise AppError(500, "api.file.test_connection_azure_container_does_not_exist.app_error",
                           "ContainerNotFound")
        if "unreachable" in (fs.get("AzureEndpoint") or ""):
            raise AppError(500, "api.file.test_connection.app_error", "dial tcp: connection refused")
    elif driver == "local":
        if "unwritable" in (fs.get("Directory") or ""):
            raise AppError(500, "api.file.test_connection.app_error", "permission denied")


def file_test(ctx):
    """POST /file/test (seed 001): 403 first, then nil fields, driver switch,
    desanitize, probe. Nothing is persisted."""
    st = ctx.state
    ctx.require_perm("manage_system")
    body = _body_config(ctx)
    if body is None:
        fs = copy.deepcopy(st.config["FileSettings"])
    else:
        fs = body.get("FileSettings")
        if _has_nil(fs, st.model_defaults["FileSettings"].keys()):
            raise AppError(400, "api.file.test_connection_settings_nil")
        fs = copy.deepcopy(fs)
    driver = fs.get("DriverName")
    if driver == "amazons3":
        if not fs.get("AmazonS3Bucket"):
            raise AppError(400, "api.admin.test_s3.missing_s3_bucket")
    elif driver == "azureblob":
        for f in AZURE_REQUIRED:
            if not fs.get(f):
                raise AppError(400, "api.admin.test_azure.missing_azure_field", "field=" + f,
                               params={"Field": f})
    elif driver == "local":
        pass
    else:
        raise AppError(400, "api.file.test_connection_unsupported_driver", "driver=%s" % driver,
                       params={"Driver": driver if isinstance(driver, str) else ""})
    running = st.config["FileSettings"]
    for k in ("AmazonS3SecretAccessKey", "AzureAccessKey", "ExportAzureAccessKey"):
        if fs.get(k) == FAKE_SETTING and running.get(k):
            fs[k] = running[k]
    _probe(st, fs)
    return ok_response()


def s3_test(ctx):
    """POST /file/s3_test (fork): nil-field 400 BEFORE the permission check."""
    st = ctx.state
    body = _body_config(ctx)
    if body is None:
        fs = copy.deepcopy(st.config["FileSettings"])
    else:
        fs = body.get("FileSettings")
        keys = [k for k in st.model_defaults["FileSettings"].keys()
                if not k.startswith("Azure") and not k.startswith("ExportAzure")]
        if _has_nil(fs, keys):
            raise AppError(400, "api.file.test_connection_s3_settings_nil.app_error")
        fs = copy.deepcopy(fs)
    ctx.require_perm("test_s3")
    if not fs.get("AmazonS3Bucket"):
        raise AppError(400, "api.admin.test_s3.missing_s3_bucket")
    if fs.get("AmazonS3SecretAccessKey") == FAKE_SETTING:
        fs["AmazonS3SecretAccessKey"] = st.config["FileSettings"].get("AmazonS3SecretAccessKey")
    fs["DriverName"] = "amazons3"
    _probe(st, fs)
    return ok_response()


# --- file infos -----------------------------------------------------------------------

def _image_size(data):
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return w, h
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return w, h
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker = data[i + 1]
            seglen = struct.unpack(">H", data[i + 2:i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                h, w = struct.unpack(">HH", data[i + 5:i + 9])
                return w, h
            i += 2 + seglen
        return 0, 0
    return None


def make_file_info(st, user_id, channel_id, name, data=None, remote_id="", path=None):
    """A FileInfo for data (bytes), or for the file at path (moved into the
    store). Returns the info; the bytes stay on disk."""
    fid = new_id()
    t = now_ms()
    base = os.path.basename(name.replace("\\", "/")) or "file"
    ext = base.rsplit(".", 1)[1].lower() if "." in base else ""
    mime = mimetypes.guess_type(base)[0] or ""
    dest = os.path.join(st.files_dir, fid)
    if path is not None:
        os.replace(path, dest)
    else:
        with open(dest, "wb") as f:
            f.write(data)
    size = os.path.getsize(dest)
    with open(dest, "rb") as f:
        head = f.read(65536)
    info = {"id": fid, "user_id": user_id, "channel_id": channel_id, "create_at": t,
            "update_at": t, "delete_at": 0, "name": base, "extension": ext, "size": size,
            "mime_type": mime}
    dims = _image_size(head)
    if dims is not None:
        info["width"], info["height"] = dims
        info["has_preview_image"] = True
    info.update({"mini_preview": None, "remote_id": remote_id, "archived": False})
    st.files[fid] = {"info": info, "path": dest}
    return info


def _can_upload(ctx, channel_id):
    st = ctx.state
    ch = st.channels.get(channel_id)
    if ctx.session is not None and ctx.session.is_local:
        return True
    if ctx.is_admin():
        return True
    return ch is not None and ctx.user_id in ch["members"] and ctx.has_perm("upload_file")


def upload_files(ctx):
    st = ctx.state
    if not st.cfg("FileSettings.EnableFileAttachments", True):
        raise AppError(403, "api.file.attachments.disabled.app_error",
                       message="File attachments have been disabled on this server.")
    max_size = int(st.cfg("FileSettings.MaxFileSize", 104857600))
    if ctx.body_too_large or len(ctx.body) > max_size:
        raise AppError(413, "api.file.upload_file.too_large_detailed.app_error",
                       message="Unable to upload file. File is too large.")
    ctype = ctx.header("Content-Type", "")
    mt, _ = parse_content_type(ctype)
    infos, client_ids = [], []
    if mt.startswith("multipart/"):
        try:
            parts = parse_multipart(ctype, ctx.body)
        except MultipartError as e:
            raise AppError(400, "api.file.upload_file.read_request.app_error", str(e),
                           message="Unable to upload file(s). Error reading or parsing request data.")
        # api4/file.go uploadFileMultipart: parts in order; value fields
        # other than channel_id and client_ids are an invalid param. A file
        # part after channel_id is streamed whatever its name; a file part
        # before it switches to the buffered (legacy) form, which uploads
        # the "files" parts only.
        channel_id = None
        files = []
        legacy = False
        for p in parts:
            if p.filename is None:
                if p.name == "channel_id":
                    v = p.data.decode("utf-8", "replace")
                    if channel_id is not None and v != channel_id:
                        raise AppError(400, "api.file.upload_file.multiple_channel_ids.app_error",
                                       message="Unable to upload file(s). Multiple conflicting channel_ids.")
                    channel_id = v or channel_id
                elif p.name == "client_ids":
                    client_ids.append(p.data.decode("utf-8", "replace"))
                elif not legacy:
                    raise invalid_body_param(p.name)
            elif p.name:
                if channel_id is None:
                    legacy = True
                if not legacy or p.name == "files":
                    files.append(p)
        if legacy and channel_id is None:
            raise invalid_body_param("channel_id")
        if files or legacy:
            if not channel_id or not is_valid_id(channel_id):
                raise invalid_url_param("channel_id")
            if not _can_upload(ctx, channel_id):
                raise permission_error("upload_file")
        if client_ids and len(client_ids) != len(files):
            raise AppError(400, "api.file.upload_file.incorrect_number_of_client_ids.app_error",
                           message="Unable to upload file(s). Have %d client_ids for %d files." % (len(client_ids), len(files)))
        for p in files:
            infos.append(make_file_info(st, ctx.user_id, channel_id, p.filename or "file", p.data))
    else:
        channel_id = ctx.q("channel_id")
        if not is_valid_id(channel_id):
            raise invalid_url_param("channel_id")
        filename = ctx.q("filename")
        if not filename:
            raise invalid_url_param("filename")
        if len(ctx.body) == 0:
            raise AppError(400, "api.file.upload_file.bad_parse.app_error",
                           message="Unable to upload file. Header cannot be parsed.")
        if not _can_upload(ctx, channel_id):
            raise permission_error("upload_file")
        if ctx.q("client_id"):
            client_ids.append(ctx.q("client_id"))
        infos.append(make_file_info(st, ctx.user_id, channel_id, filename, ctx.body))
    return json_response({"file_infos": infos, "client_ids": client_ids}, 201)


def _get_file(ctx):
    st = ctx.state
    fid = ctx.params["file_id"]
    if not is_valid_id(fid):
        raise invalid_url_param("file_id")
    f = st.files.get(fid)
    if f is None:
        raise AppError(404, "app.file_info.get.app_error", "id=" + fid,
                       message="Unable to get the file info.")
    info = f["info"]
    if info["user_id"] != ctx.user_id and not ctx.is_admin():
        ch = st.channels.get(info["channel_id"])
        if ch is None or ctx.user_id not in ch["members"]:
            raise permission_error("read_channel_content")
    return f


def file_info(ctx):
    f = _get_file(ctx)
    resp = json_response(f["info"])
    resp.header("Cache-Control", "max-age=2592000, private")
    return resp


def _serve_file(ctx, f, attachment):
    """The stored bytes with Content-Type/Disposition, Range and
    If-Modified-Since like http.ServeContent."""
    info = f["info"]
    mime = info.get("mime_type") or "application/octet-stream"
    name = info["name"]
    disp = "attachment" if attachment else "inline"
    hdrs = [("Content-Disposition", "%s;filename=\"%s\"; filename*=UTF-8''%s" % (disp, name.replace('"', ""), quote(name))),
            ("Cache-Control", "private, max-age=86400"), ("Accept-Ranges", "bytes"),
            ("Last-Modified", formatdate(info["update_at"] / 1000.0, usegmt=True))]
    ims = ctx.header("If-Modified-Since", "")
    if ims:
        try:
            if parsedate_to_datetime(ims).timestamp() >= int(info["update_at"] / 1000):
                return Response(304, b"", None, hdrs, is_file=True)
        except (TypeError, ValueError):
            pass
    size = os.path.getsize(f["path"])
    rng = ctx.header("Range", "")
    m = re.fullmatch(r"bytes=(\d*)-(\d*)", rng.strip()) if rng else None
    if m and (m.group(1) or m.group(2)):
        if m.group(1):
            start = int(m.group(1))
            end = int(m.group(2)) if m.group(2) else size - 1
        else:
            n = int(m.group(2))
            start, end = max(0, size - n), size - 1
        end = min(end, size - 1)
        if start >= size or start > end:
            return Response(416, b"", "text/plain; charset=utf-8",
                            hdrs + [("Content-Range", "bytes */%d" % size)], is_file=True)
        with open(f["path"], "rb") as fh:
            fh.seek(start)
            part = fh.read(end + 1 - start)
        return Response(206, part, mime,
                        hdrs + [("Content-Range", "bytes %d-%d/%d" % (start, end, size))], is_file=True)
    with open(f["path"], "rb") as fh:
        data = fh.read()
    return Response(200, data, mime, hdrs, is_file=True)


def get_file(ctx):
    f = _get_file(ctx)
    attachment = ctx.q("download") == "true" or not (f["info"].get("mime_type", "").startswith("image/"))
    return _serve_file(ctx, f, attachment)


def get_thumbnail(ctx):
    f = _get_file(ctx)
    if not f["info"].get("has_preview_image"):
        raise AppError(400, "api.file.get_file_thumbnail.no_thumbnail.app_error",
                       message="File doesn't have a thumbnail")
    return _serve_file(ctx, f, ctx.q("download") == "true")


def get_preview(ctx):
    f = _get_file(ctx)
    if not f["info"].get("has_preview_image"):
        raise AppError(400, "api.file.get_file_preview.no_preview.app_error",
                       message="File doesn't have a preview image")
    return _serve_file(ctx, f, ctx.q("download") == "true")


def get_link(ctx):
    st = ctx.state
    if not is_valid_id(ctx.params["file_id"]):
        raise invalid_url_param("file_id")
    if not st.cfg("FileSettings.EnablePublicLink", False):
        raise AppError(403, "api.file.get_public_link.disabled.app_error",
                       message="Public links have been disabled")
    f = _get_file(ctx)
    if not f["info"].get("post_id"):
        raise AppError(400, "api.file.get_public_link.no_post.app_error",
                       message="Unable to get public link for file. File must be attached to a post that can be read by the current user.")
    salt = st.cfg("FileSettings.PublicLinkSalt", "")
    h = base64.urlsafe_b64encode(hashlib.sha256((salt + f["info"]["id"]).encode()).digest()).decode().rstrip("=")
    return json_response({"link": "%s/files/%s/public?h=%s" % (st.site_url(), f["info"]["id"], h)})


# --- upload sessions (api4/upload.go, app/upload.go) ----------------------------------------

def _session_json(us):
    out = {"id": us["id"], "type": us["type"], "create_at": us["create_at"], "user_id": us["user_id"]}
    if us.get("channel_id"):
        out["channel_id"] = us["channel_id"]
    out.update({"filename": us["filename"], "file_size": us["file_size"],
                "file_offset": us["file_offset"], "remote_id": us.get("remote_id", ""),
                "req_file_id": us.get("req_file_id", "")})
    return out


def _attachments_enabled(st, where):
    if not st.cfg("FileSettings.EnableFileAttachments", True):
        raise AppError(501, "api.file.attachments.disabled.app_error", where=where,
                       message="File attachments have been disabled on this server.")


def create_upload(ctx):
    """createUpload: attachments switch (501), decode, import needs a system
    admin / attachments need upload_file on the channel, session user wins,
    size cap (413), then UploadSession.IsValid and the channel."""
    st = ctx.state
    _attachments_enabled(st, "createUpload")
    body = ctx.json_body("upload")
    if not isinstance(body, dict):
        raise invalid_body_param("upload")
    try:
        channel_id = body.get("channel_id") or ""
        filename = body.get("filename") or ""
        file_size = body.get("file_size", 0)
        utype = body.get("type") or ""
        user_id = body.get("user_id") or ""
        if not all(isinstance(x, str) for x in (channel_id, filename, utype, user_id)):
            raise TypeError
        if isinstance(file_size, bool) or not isinstance(file_size, int):
            raise TypeError
    except TypeError:
        raise invalid_body_param("upload", "json: cannot unmarshal into Go value of type model.UploadSession")
    if utype == "import":
        if not ctx.is_admin():
            raise permission_error("manage_system")
    else:
        if not _can_upload(ctx, channel_id):
            raise permission_error("upload_file")
        utype = "attachment"
    if ctx.session is not None and ctx.session.user_id:
        user_id = ctx.session.user_id
    if file_size > int(st.cfg("FileSettings.MaxFileSize", 104857600)):
        raise AppError(413, "api.upload.create.upload_too_large.app_error",
                       message="Unable to upload file. File is too large.")
    filename = os.path.basename(filename.replace("\\", "/"))
    if not is_valid_id(user_id) and user_id != "nouser":
        raise AppError(400, "model.upload_session.is_valid.user_id.app_error",
                       message="Invalid value for UserId.")
    if not filename:
        raise AppError(400, "model.upload_session.is_valid.filename.app_error",
                       message="Invalid value for Filename.")
    if file_size <= 0:
        raise AppError(400, "model.upload_session.is_valid.file_size.app_error",
                       message="Invalid value for FileSize.")
    if utype == "attachment" and channel_id not in st.channels:
        raise AppError(400, "model.upload_session.is_valid.channel_id.app_error",
                       message="Invalid value for ChannelId.")
    us = {"id": new_id(), "type": utype, "create_at": now_ms(), "user_id": user_id,
          "channel_id": channel_id if utype == "attachment" else "", "filename": filename,
          "file_size": file_size, "file_offset": 0, "remote_id": "", "req_file_id": ""}
    st.uploads[us["id"]] = {"session": us, "path": os.path.join(st.files_dir, "upload-" + us["id"]),
                            "busy": False}
    return json_response(_session_json(us), 201, newline=True)


def _lookup_upload(ctx):
    uid = ctx.params["upload_id"]
    if not is_valid_id(uid):
        raise invalid_url_param("upload_id")
    up = ctx.state.uploads.get(uid)
    if up is None:
        raise AppError(404, "app.upload.get.app_error", "id=" + uid,
                       message="Failed to get upload.")
    return up


def get_upload(ctx):
    up = _lookup_upload(ctx)
    us = up["session"]
    if not (ctx.session.is_local or us["user_id"] == ctx.user_id or ctx.is_admin()):
        raise AppError(403, "api.upload.get_upload.forbidden.app_error",
                       message="Failed to get upload.")
    return json_response(_session_json(us), newline=True)


def store_upload_data(st, up, data):
    """App.UploadData on a request body: the first part must reach the
    minimum unless it completes the file; what arrives is appended and the
    offset moves. Returns the FileInfo when complete, else None."""
    us = up["session"]
    remaining = us["file_size"] - us["file_offset"]
    data = data[:remaining]                  # io.LimitedReader
    if us["file_offset"] == 0 and len(data) < st.first_chunk_min and len(data) != us["file_size"]:
        if os.path.exists(up["path"]):
            os.unlink(up["path"])
        raise AppError(400, "app.upload.upload_data.first_part_too_small.app_error",
                       "size=%d" % len(data), params={"Size": st.first_chunk_min},
                       message="Unable to upload data. First part must be at least %d Bytes." % st.first_chunk_min)
    with open(up["path"], "ab" if us["file_offset"] else "wb") as f:
        f.write(data)
    us["file_offset"] += len(data)
    if us["file_offset"] < us["file_size"]:
        return None
    info = make_file_info(st, us["user_id"], us.get("channel_id", ""), us["filename"],
                          remote_id=us.get("remote_id", ""), path=up["path"])
    if us["type"] == "import":
        st.imports = getattr(st, "imports", [])
        st.imports.append(info["name"])
    del st.uploads[us["id"]]
    return info


def upload_data(ctx):
    """uploadData: attachments switch (501), id (400), session (404), import
    needs a system admin / attachments the owner with upload_file, then the
    body (multipart: first part only; raw: Content-Length <= remaining).
    A cut (toggle upload_cut) keeps the first bytes and closes the
    connection without an answer."""
    st = ctx.state
    _attachments_enabled(st, "uploadData")
    up = _lookup_upload(ctx)
    us = up["session"]
    if us["type"] == "import":
        if not ctx.is_admin():
            raise permission_error("manage_system")
    elif us["user_id"] != ctx.user_id or not _can_upload(ctx, us["channel_id"]):
        # The local session has no user: attachment sessions (owned by a
        # user or "nouser") never match it, so locally only imports work.
        raise permission_error("upload_file")
    data = ctx.body
    ctype = ctx.header("Content-Type", "")
    mt, _ = parse_content_type(ctype)
    if mt.startswith("multipart/"):
        try:
            parts = parse_multipart(ctype, ctx.body)
        except MultipartError as e:
            raise AppError(400, "api.upload.upload_data.multipart_error",
                           str(e), message="Failed to process multipart data.")
        if not parts:
            raise AppError(400, "api.upload.upload_data.multipart_error",
                           message="Failed to process multipart data.")
        data = parts[0].data
    elif len(data) > us["file_size"] - us["file_offset"]:
        raise AppError(400, "api.upload.upload_data.invalid_content_length",
                       message="Invalid Content-Length.")
    if up["busy"]:
        raise AppError(400, "app.upload.upload_data.concurrent.app_error",
                       message="Unable to upload data from more than one request.")
    cut = st.upload_cut
    if cut is not None and cut.get("times", 0) > 0:
        cut["times"] -= 1
        if cut["times"] <= 0:
            st.upload_cut = None
        try:
            store_upload_data(st, up, data[:max(0, cut["after"])])
        except AppError:
            pass                            # the client never sees it
        _cut_connection()
    info = store_upload_data(st, up, data)
    if info is None:
        return Response(204, b"", "application/json")
    return json_response(info, newline=True)


def user_uploads(ctx):
    """getUploadsForUser: only the caller's own sessions ('me' is replaced
    before the handler runs); locally any id, 'nouser' for imports."""
    st = ctx.state
    uid = ctx.params["user_id"]
    if not ctx.session.is_local:
        if uid != ctx.user_id:
            raise AppError(403, "api.user.get_uploads_for_user.forbidden.app_error",
                           message="Unable to get uploads.")
    elif uid != "nouser" and not is_valid_id(uid):
        raise invalid_url_param("user_id")
    out = [_session_json(u["session"]) for u in st.uploads.values() if u["session"]["user_id"] == uid]
    out.sort(key=lambda u: u["create_at"])
    return json_response(out)


def register(r):
    r.add("POST", "/file/test", file_test, enabled=lambda st: st.file_test_endpoint)
    r.add("POST", "/file/s3_test", s3_test)
    r.add("POST", "/files", upload_files, file_api=True)
    r.add("GET", "/files/{file_id}", get_file)
    r.add("GET", "/files/{file_id}/info", file_info)
    r.add("GET", "/files/{file_id}/link", get_link)
    r.add("GET", "/files/{file_id}/preview", get_preview)
    r.add("GET", "/files/{file_id}/thumbnail", get_thumbnail)
    r.add("POST", "/uploads", create_upload, local=True)
    r.add("GET", "/uploads/{upload_id}", get_upload, local=True)
    r.add("POST", "/uploads/{upload_id}", upload_data, local=True, file_api=True)
    r.add("GET", "/users/{user_id}/uploads", user_uploads, local=True)
