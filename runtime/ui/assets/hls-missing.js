// hls.js was not installed when wfc was built (tools/install-deps runs npm ci in tools/browser):
// HLS outputs play where the browser plays HLS itself.
window.Hls = undefined;
