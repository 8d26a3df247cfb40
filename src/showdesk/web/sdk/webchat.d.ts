// Types of the ShowDesk web-chat SDK (/sdk/webchat.js), protocol version 1.

export declare const PROTOCOL_VERSION: 1;
export declare const MAX_TEXT_LENGTH: 4000;
export declare const GUEST_SOCKET_PATH: '/ws/v1/guest';

export interface TurnServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface ChatConfig {
  organizationId: string;
  deploymentId: string;
  /** Origin of the ShowDesk server; default: the origin this SDK was loaded from. */
  serverUrl?: string;
  /** Extra ICE servers for video (used once video is available). */
  turnServers?: TurnServer[];
  /** Where the session of this tab is kept; default: sessionStorage. */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
}

export type ChatState = 'idle' | 'starting' | 'queued' | 'connected' | 'ended';
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';
export type MessageSender = 'customer' | 'agent' | 'system';
export type RoutingState = 'queued' | 'no_agent_available' | 'offered' | 'connected' | 'ended';
export type VideoStatus = 'idle' | 'requested' | 'connecting' | 'live' | 'held' | 'ended' | 'failed';

export interface ChatMessage {
  readonly id: string;
  /** Per conversation, gap-free; `messages` are ordered by it. */
  readonly seq: number;
  readonly from: MessageSender;
  /** Plain text: render it as text, never as HTML. */
  readonly text: string;
  /** ISO 8601 time the server stored the message. */
  readonly at: string | null;
  readonly displayName: string | null;
  readonly clientId: string | null;
}

export interface RoutingInfo {
  readonly state: RoutingState;
  readonly queue: string | null;
  readonly position: number | null;
  readonly text: string | null;
}

export interface StartResult {
  conversationId: string | null;
  state: ChatState;
  /** True when an existing chat of this tab was resumed. */
  resumed: boolean;
}

export interface SendResult {
  id: string;
  seq: number;
  clientId: string;
}

export type ChatErrorCode =
  | 'origin_not_allowed'
  | 'deployment_not_found'
  | 'display_name_required'
  | 'empty_message'
  | 'message_too_long'
  | 'chat_not_active'
  | 'chat_ended'
  | 'no_saved_session'
  | 'not_authenticated'
  | 'forbidden'
  | 'session_replaced'
  | 'connection_failed'
  | 'disconnected'
  | 'cancelled'
  | VideoErrorCode
  | (string & {});

export type VideoErrorCode =
  | 'camera_denied'
  | 'camera_missing'
  | 'camera_busy'
  | 'constraints_unsatisfiable'
  | 'video_not_allowed'
  | 'video_capacity'
  | 'no_agent_video';

export declare class ChatError extends Error {
  constructor(code: string, message?: string,
              options?: { name?: string; ref?: string | null; closeCode?: number | null });
  /** The server's code (e.g. `origin_not_allowed`) or one of the SDK's own. */
  readonly code: ChatErrorCode;
  /** The frame type or clientId the server was answering, when it said. */
  readonly ref: string | null;
  /** The WebSocket close code, when the error came from a closed connection. */
  readonly closeCode: number | null;
}

export interface VideoUnavailableError extends ChatError {
  readonly name: 'VideoUnavailableError' | 'NotAllowedError' | 'NotFoundError' | 'NotReadableError'
    | 'OverconstrainedError';
  readonly code: VideoErrorCode;
}

export interface StartVideoOptions {
  /** A stream the page took itself (e.g. inside a click handler). */
  stream?: MediaStream;
  /** Constraints for the SDK to call getUserMedia with, before any other await. */
  constraints?: MediaStreamConstraints;
  direction?: 'one-way' | 'two-way';
}

export interface ConnectionEvent {
  state: ConnectionState;
  /** Close code of the connection that went away, when there was one. */
  code?: number;
  reason?: string;
  /** Reconnect attempt number and the wait before it. */
  attempt?: number;
  delayMs?: number;
}

export interface ChatEventMap {
  message: ChatMessage;
  /** More was missed than the resume window holds: `messages` replaces the whole list. */
  resync: { messages: readonly ChatMessage[] };
  routing: RoutingInfo;
  agentJoined: { agentName: string | null };
  agentLeft: { agentName: string | null; reason: 'disconnected' | 'transferred' | null };
  chatEnded: { by: 'customer' | 'agent' | 'system' };
  error: ChatError;
  connection: ConnectionEvent;
  state: { state: ChatState; previous: ChatState };
  videoRequested: { direction?: 'one-way' | 'two-way' };
  videoStarted: Record<string, unknown>;
  videoHeld: Record<string, unknown>;
  videoResumed: Record<string, unknown>;
  videoEnd: { reason?: string };
}

export type ChatEventName = keyof ChatEventMap;

export interface Chat {
  readonly config: Readonly<Required<Omit<ChatConfig, 'storage'>>>;
  readonly conversationId: string | null;
  readonly participantId: string | null;
  /** Ordered by seq, deduplicated by id. A new array whenever it changed. */
  readonly messages: readonly ChatMessage[];
  readonly state: ChatState;
  /** Highest seq up to which every message has been received. */
  readonly lastSeq: number;
  readonly displayName: string;
  readonly agentName: string | null;
  readonly routing: RoutingInfo | null;
  readonly connectionState: ConnectionState;

  /** True when this tab holds a chat that can be resumed (sessionStorage `showdesk:<org>:<deployment>`). */
  hasSavedSession(): boolean;
  /** Resumes the saved chat of this tab if there is one (and it has not ended), else starts one. */
  startChat(options?: { displayName?: string }): Promise<StartResult>;
  /** Resumes the saved chat only; rejects with `no_saved_session` or `chat_ended`. */
  resumeChat(): Promise<StartResult>;
  /** Resolves once the server stored the message; resent with the same clientId after reconnects. */
  sendText(text: string): Promise<SendResult>;
  /** Ends the chat for everyone; resolves on `chatEnded`. */
  endChat(): Promise<void>;
  /** Not available in this version: rejects with a `VideoUnavailableError` (`video_not_allowed`). */
  startVideo(options?: StartVideoOptions): Promise<void>;
  stopVideo(): void;
  /** Reconnect now instead of waiting for the next backoff step (also takes a chat back from another tab). */
  reconnect(): void;
  /** Close the connection without ending the chat; `resumeChat()` picks it up again. */
  disconnect(): void;

  on<K extends ChatEventName>(event: K, listener: (payload: ChatEventMap[K]) => void): () => void;
  off<K extends ChatEventName>(event: K, listener: (payload: ChatEventMap[K]) => void): void;
}

export declare function createChat(config: ChatConfig): Chat;
