function startPolling(fetchStatus, onChange, intervalMs = 1000) {
  let lastStatus;
  const timer = setInterval(async () => {
    const status = await fetchStatus();
    if (lastStatus !== undefined && lastStatus !== status) {
      onChange(status);
    }
    lastStatus = status;
  }, intervalMs);
  return () => clearInterval(timer);
}

module.exports = startPolling;
