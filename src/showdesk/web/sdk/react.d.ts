// Types of the ShowDesk React bindings (/sdk/react.js).
import type { ReactNode, ReactElement } from 'react';
import type {
  Chat, ChatConfig, ChatError, ChatMessage, ChatState, ConnectionState, RoutingInfo,
} from './webchat.js';

export interface ChatProviderProps {
  config: ChatConfig;
  children?: ReactNode;
}

/** The chat's own methods, bound to the provider's chat, plus its state as React state. */
export interface UseChatResult
  extends Pick<Chat, 'startChat' | 'resumeChat' | 'sendText' | 'endChat' | 'startVideo' | 'stopVideo'> {
  chat: Chat;
  messages: readonly ChatMessage[];
  state: ChatState;
  connection: ConnectionState;
  routing: RoutingInfo | null;
  agentName: string | null;
  /** The last `error` event, if any. */
  error: ChatError | null;
}

export declare function ChatProvider(props: ChatProviderProps): ReactElement;
export declare function useChat(): UseChatResult;
