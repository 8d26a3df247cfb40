// A photo in a chat transcript: the image at its full resolution (the page scales it to fit), a link that
// saves the file, and whatever the screen lets one do with it (the agent: mark it up).

const sizeFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const ENGLISH = {
  photoAlt: 'Photo of the product', markedPhotoAlt: 'The agent’s marked-up photo', download: 'Download',
  photoMissing: 'The photo could not be loaded', attachmentAlt: 'Image sent by the customer',
};
const ALT = { annotation: 'markedPhotoAlt', attachment: 'attachmentAlt' }; // the rest: photoAlt

/**
 * `message.photo` as a `<figure>`; the image arrives when `photos.load` resolves to its URL.
 * `words(key)` gives the screen's words (English where it has none).
 */
export function photoFigure(message, photos, screenWords = null) {
  const words = (key) => screenWords?.(key) || ENGLISH[key];
  const { photo } = message;
  const figure = document.createElement('figure');
  figure.className = 'msg__photo';
  figure.dataset.photoId = photo.id;
  const img = document.createElement('img');
  img.dataset.testid = 'chat-photo';
  img.alt = words(ALT[photo.kind] ?? 'photoAlt');
  img.width = photo.width;
  img.height = photo.height;
  img.decoding = 'async';
  const caption = document.createElement('figcaption');
  const download = document.createElement('a');
  download.dataset.testid = 'photo-download';
  download.textContent = `${words('download')} (${photo.width} × ${photo.height}, ${describeSize(photo.size)})`;
  download.download = `${photo.kind}-${photo.id}.${extension(photo.contentType)}`;
  download.hidden = true;
  caption.append(download);
  for (const action of photos.actions ?? []) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'btn btn-secondary btn-sm';
    button.dataset.testid = action.testId;
    button.textContent = action.label;
    button.disabled = true; // until the picture is here
    button.addEventListener('click', () => action.run(photo, message, img));
    caption.append(button);
  }
  figure.append(img, caption);
  photos.load(photo).then((url) => {
    img.src = url;
    download.href = url;
    download.hidden = false;
    for (const button of caption.querySelectorAll('button')) button.disabled = false;
  }, (error) => {
    figure.classList.add('msg__photo--missing');
    img.alt = `${words('photoMissing').replace(/\.$/, '')}${error?.message ? `: ${error.message}` : ''}`;
  });
  return figure;
}

function describeSize(bytes) {
  if (bytes >= 1024 * 1024) return `${sizeFormat.format(bytes / (1024 * 1024))} MB`;
  return `${sizeFormat.format(Math.max(1, bytes / 1024))} KB`;
}

function extension(contentType) {
  return { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }[contentType] ?? 'img';
}
