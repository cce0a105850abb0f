// The popup: one button that asks the service worker to check the visible
// images of the current tab (background.js scanTab) and a one-line summary.
const button = document.querySelector('#scan');
const status = document.querySelector('#status');

const WORDS = { little_evidence: 'little evidence', uncertain: 'uncertain', substantial_evidence: 'substantial evidence',
  cannot_judge: 'cannot judge', not_scored: 'not scored', no_face: 'no face' };

button.addEventListener('click', async () => {
  button.disabled = true;
  status.textContent = 'Checking… (the first check loads the models, a few seconds)';
  try {
    const r = await chrome.runtime.sendMessage({ type: 'scan' });
    if (r?.error) throw new Error(r.error.message);
    if (!r.images) status.textContent = 'No visible image here is large enough to hold a face.';
    else {
      const parts = Object.entries(r.verdicts).map(([v, n]) => `${n} ${WORDS[v] ?? v}`);
      if (r.errors) parts.push(`${r.errors} could not be read`);
      status.textContent = `${r.images} image(s) checked: ${parts.join(', ')}.` + (r.skipped ? ` ${r.skipped} more were skipped.` : '');
    }
  } catch (e) {
    status.textContent = `Could not check this page: ${e.message}`;
  } finally {
    button.disabled = false;
  }
});
