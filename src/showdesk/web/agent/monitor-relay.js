// Supervisors who see the customer's picture (Video > Monitor): this desktop forwards the picture it
// receives over a peer connection of its own to each of them. The picture goes browser to browser and
// never passes through the server; the server only relays the signalling (`monitorRequested`,
// `monitorSignal`, `monitorEnded`, each with a `monitorId`) after checking who may ask.
//
// Only a desktop that shows the picture relays it: another desktop of the same agent, without the
// connected picture, leaves the request alone. The relay sends and never receives; a relay retry or an
// ICE restart on the customer's side swaps the forwarded track in place. The customer is told in the
// transcript; the agent reads who is watching in the video pane (test id `video-monitored`).

export class MonitorRelays {
  #send;
  #line;
  #track = null; // the customer's video track as this desktop receives it
  #relays = new Map(); // monitorId -> {pc, name, pending: [candidates before the answer]}

  /** `send(frame)` writes to the agent socket (the chat's id added); `line` shows who is watching. */
  constructor({ send, line }) {
    this.#send = send;
    this.#line = line;
  }

  /** The picture this desktop receives now (null: none). Relays already open send the new one. */
  useTrack(track) {
    this.#track = track;
    for (const { pc } of this.#relays.values()) {
      for (const sender of pc.getSenders()) sender.replaceTrack(track).catch(() => {});
    }
  }

  onFrame(frame) {
    switch (frame.type) {
      case 'monitorRequested': return this.#open(frame);
      case 'monitorSignal': return this.#onSignal(frame);
      case 'monitorEnded': return this.#close(frame.monitorId);
      default: return undefined;
    }
  }

  /** The video ended or the chat went: every relay closes (the server forgets them too). */
  closeAll() {
    for (const id of [...this.#relays.keys()]) this.#close(id);
    this.#track = null;
  }

  async #open(frame) {
    // The server asks only once the picture is live, so a desktop without it is another of this agent's.
    const track = this.#track;
    if (!track || track.readyState === 'ended' || this.#relays.has(frame.monitorId)) return;
    const pc = new RTCPeerConnection({ iceServers: frame.iceServers ?? [] });
    const relay = { pc, name: frame.watcherName || 'A supervisor', pending: [] };
    this.#relays.set(frame.monitorId, relay);
    this.#show();
    const signal = (fields) => this.#send({ type: 'monitorSignal', monitorId: frame.monitorId, ...fields });
    pc.onicecandidate = ({ candidate }) => {
      if (this.#relays.get(frame.monitorId) !== relay) return;
      signal({ signal: 'candidate', candidate: candidate ? candidate.toJSON() : null });
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') this.#giveUp(frame.monitorId);
    };
    pc.addTransceiver(track, { direction: 'sendonly' });
    try {
      await pc.setLocalDescription(await pc.createOffer());
      if (this.#relays.get(frame.monitorId) === relay) signal({ signal: 'offer', sdp: pc.localDescription.sdp });
    } catch {
      this.#giveUp(frame.monitorId);
    }
  }

  async #onSignal(frame) {
    const relay = this.#relays.get(frame.monitorId);
    if (!relay) return; // a relay of another desktop of this agent
    const { pc } = relay;
    try {
      if (frame.signal === 'answer') {
        await pc.setRemoteDescription({ type: 'answer', sdp: frame.sdp });
        for (const candidate of relay.pending.splice(0)) await pc.addIceCandidate(candidate);
      } else if (frame.signal === 'candidate' && frame.candidate) {
        if (pc.remoteDescription) await pc.addIceCandidate(frame.candidate);
        else relay.pending.push(frame.candidate);
      }
    } catch {
      this.#giveUp(frame.monitorId);
    }
  }

  /** This side closes a relay on its own (its connection failed): the server frees the place, tells the watcher. */
  #giveUp(monitorId) {
    if (!this.#relays.has(monitorId)) return;
    this.#close(monitorId);
    this.#send({ type: 'monitorClosed', monitorId });
  }

  #close(monitorId) {
    const relay = this.#relays.get(monitorId);
    if (!relay) return;
    this.#relays.delete(monitorId);
    relay.pc.close();
    this.#show();
  }

  #show() {
    const names = [...new Set([...this.#relays.values()].map((relay) => relay.name))];
    this.#line.hidden = names.length === 0;
    this.#line.textContent = names.length
      ? `${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'} also watching the picture.`
      : '';
  }
}
