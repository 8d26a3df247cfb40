// Types of the ShowDesk React bindings (/sdk/react.js).
import type { ReactNode, ReactElement } from 'react';
import type {
  Chat, ChatConfig, ChatError, ChatMessage, ChatState, ConnectionState, RoutingInfo, SendResult,
  StartResult, StartVideoOptions,
} from './webchat.js';

export interface ChatProviderProps {
  config: ChatConfig;
  children?: ReactNode;
}

export interface UseChatResult {
  chat: Chat;
  messages: readonly ChatMessage[];
  state: ChatState;
  connection: ConnectionState;
  routing: RoutingInfo | null;
  agentName: string | null;
  /** The last `error` event, if any. */
  error: ChatError | null;
  startChat(options?: { displayName?: string }): Promise<StartResult>;
  resumeChat(): Promise<StartResult>;
  sendText(text: string): Promise<SendResult>;
  endChat(): Promise<void>;
  startVideo(options?: StartVideoOptions): Promise<void>;
  stopVideo(): void;
}

export declare function ChatProvider(props: ChatProviderProps): ReactElement;
export declare function useChat(): UseChatResult;
