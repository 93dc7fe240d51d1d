// What the path-based stores (S3, rclone) share: their folders are implicit, a prefix ending in '/'.
import { FOLDER_MIME, type DriveFile } from '../drive/types';

/** A folder of a path-based store as a DriveFile: nothing is stored for it, so no size, MD5 or time. */
export function implicitFolder(id: string, name: string, parents: string[]): DriveFile {
  return {
    id,
    name,
    mimeType: FOLDER_MIME,
    size: null,
    md5Checksum: null,
    appProperties: {},
    parents,
    createdTime: null,
    webViewLink: null,
  };
}
