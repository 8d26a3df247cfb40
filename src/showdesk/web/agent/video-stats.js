// One reading of the customer's video as the agent's browser receives it (getStats), and the live
// quality between two readings: resolution, frame rate, bitrate, loss, round trip, direct or relay.

/** Cumulative counters and current values of the received video, once. */
export async function readVideoStats(pc) {
  const stats = await pc.getStats();
  const reading = {
    at: performance.now(),
    framesDecoded: 0,
    bytesReceived: 0,
    packetsReceived: 0,
    packetsLost: 0,
    width: 0,
    height: 0,
    framesPerSecond: null,
    rttMs: null,
    path: null,
  };
  let pair = null;
  stats.forEach((report) => {
    if (report.type === 'inbound-rtp' && report.kind === 'video') {
      reading.framesDecoded += report.framesDecoded || 0;
      reading.bytesReceived += report.bytesReceived || 0;
      reading.packetsReceived += report.packetsReceived || 0;
      reading.packetsLost += Math.max(0, report.packetsLost || 0);
      if (report.frameWidth) {
        reading.width = report.frameWidth;
        reading.height = report.frameHeight;
      }
      if (typeof report.framesPerSecond === 'number') reading.framesPerSecond = report.framesPerSecond;
    }
    if (report.type === 'transport' && report.selectedCandidatePairId) pair = stats.get(report.selectedCandidatePairId);
  });
  if (!pair) {
    stats.forEach((report) => {
      if (report.type === 'candidate-pair' && report.nominated && report.state === 'succeeded') pair = report;
    });
  }
  if (pair) {
    if (typeof pair.currentRoundTripTime === 'number') reading.rttMs = pair.currentRoundTripTime * 1000;
    const local = stats.get(pair.localCandidateId);
    const remote = stats.get(pair.remoteCandidateId);
    reading.path = local?.candidateType === 'relay' || remote?.candidateType === 'relay' ? 'relay' : 'direct';
  }
  return reading;
}

/** `direct` or `relay` (TURN) for the pair of candidates carrying the media, or null before there is one. */
export async function mediaPath(pc) {
  return (await readVideoStats(pc)).path;
}

/** The quality over the time between two readings, in the units the panel and the server use. */
export function qualityBetween(before, now) {
  const seconds = before ? (now.at - before.at) / 1000 : 0;
  if (seconds <= 0) return null;
  const packets = (now.packetsReceived - before.packetsReceived) + (now.packetsLost - before.packetsLost);
  const lost = now.packetsLost - before.packetsLost;
  const fps = now.framesPerSecond ?? (now.framesDecoded - before.framesDecoded) / seconds;
  return {
    width: now.width,
    height: now.height,
    fps: round(fps, 1),
    kbps: round(((now.bytesReceived - before.bytesReceived) * 8) / 1000 / seconds, 0),
    lossPercent: packets > 0 ? round((100 * Math.max(0, lost)) / packets, 1) : 0,
    rttMs: now.rttMs === null ? null : round(now.rttMs, 0),
    path: now.path,
  };
}

function round(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
