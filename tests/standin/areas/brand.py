"""Brand image (§3.9)."""

import base64

from core import (ANON, AppError, MultipartError, Response, multipart_form, ok_response,
                  parse_multipart, permission_error)

IMAGE_MAGICS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")


def init_state(st):
    st.brand_image = None


def apply_toggle(st, key, value):
    if key == "brand_image":
        st.brand_image = base64.b64decode(value) if value else None
        return True
    return False


def get_brand(ctx):
    img = ctx.state.brand_image
    if img is None:
        return Response(404, b"", "application/json")
    return Response(200, img, "image/png", is_file=True)


def upload_brand(ctx):
    st = ctx.state
    max_size = int(st.cfg("FileSettings.MaxFileSize", 104857600))
    if len(ctx.body) > max_size:
        raise AppError(413, "api.admin.upload_brand_image.too_large.app_error",
                       message="Unable to upload file. File is too large.")
    try:
        parts = parse_multipart(ctx.header("Content-Type", ""), ctx.body)
    except MultipartError as e:
        raise AppError(400, "api.admin.upload_brand_image.parse.app_error", str(e),
                       message="Could not parse multipart form.")
    _values, files = multipart_form(parts)
    if "image" not in files:
        raise AppError(400, "api.admin.upload_brand_image.no_file.app_error",
                       message="No file under 'image' in request.")
    ctx.require_perm("edit_brand")
    data = files["image"][0].data
    if not data.startswith(IMAGE_MAGICS):
        raise AppError(400, "brand.save_brand_image.decode.app_error",
                       "image: unknown format", message="Unable to decode image data.")
    st.brand_image = data
    return ok_response(201)


def delete_brand(ctx):
    ctx.require_perm("edit_brand")
    if ctx.state.brand_image is None:
        raise AppError(404, "api.admin.delete_brand_image.storage.not_found",
                       message="Unable to find brand image file.")
    ctx.state.brand_image = None
    return ok_response()


def register(r):
    r.add("GET", "/brand/image", get_brand, auth=ANON)
    r.add("POST", "/brand/image", upload_brand, file_api=True)
    r.add("DELETE", "/brand/image", delete_brand)
