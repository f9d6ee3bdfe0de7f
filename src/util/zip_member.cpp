// ReadZipMember: see include/hlsforge/util/zip_member.h.
#include "hlsforge/util/zip_member.h"

namespace hlsforge {

StatusOr<std::string> ReadZipMember(zip_t* z, zip_uint64_t index, uint64_t archive_bytes, const std::string& where) {
  zip_stat_t st;
  zip_stat_init(&st);
  const zip_uint64_t need = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD;
  if (zip_stat_index(z, index, 0, &st) != 0 || (st.valid & need) != need)
    return Status::Fail(where + ": cannot read its directory entry (corrupt archive)");
  const std::string sizes = "declares " + std::to_string(st.size) + " bytes uncompressed, " +
                            std::to_string(st.comp_size) + " compressed";
  if (st.comp_size > archive_bytes)
    return Status::Fail(where + ": " + sizes + ", but the archive has only " + std::to_string(archive_bytes) +
                        " bytes (truncated or corrupt archive)");
  if (st.comp_method == ZIP_CM_STORE) {
    if (st.size != st.comp_size) return Status::Fail(where + ": stored member " + sizes + " (corrupt archive)");
  } else if (st.comp_method == ZIP_CM_DEFLATE) {
    if (st.size > st.comp_size * kMaxDeflateRatio + 1024)
      return Status::Fail(where + ": " + sizes + ": more than deflate can expand to (corrupt archive or zip bomb)");
  } else {
    return Status::Fail(where + ": unsupported compression method " + std::to_string(st.comp_method) +
                        " (store and deflate are supported)");
  }
  if (st.size > kMaxZipMemberBytes)
    return Status::Fail(where + ": " + sizes + ": larger than the 2 GiB limit for one archive member");
  zip_file_t* f = zip_fopen_index(z, index, 0);
  if (!f) return Status::Fail(where + ": cannot open in the archive: " + zip_strerror(z));
  std::string buf(static_cast<size_t>(st.size), '\0');
  zip_int64_t got = buf.empty() ? 0 : zip_fread(f, buf.data(), buf.size());
  // One byte more than declared means the entry lies about its size.
  char extra = 0;
  zip_int64_t more = got >= 0 ? zip_fread(f, &extra, 1) : 0;
  zip_fclose(f);
  if (got < 0 || static_cast<zip_uint64_t>(got) != st.size || more > 0)
    return Status::Fail(where + ": truncated or corrupt in the archive (" + sizes + ")");
  return buf;
}

}  // namespace hlsforge
