const history = [];

function startPolling(fetchStatus, onChange) {
  setInterval(async () => {
    const status = await fetchStatus();
    history.push({ status, at: Date.now() });
    if (history.length > 1 && history[history.length - 2].status !== status) {
      onChange(status);
    }
  }, 1000);
}

module.exports = startPolling;
