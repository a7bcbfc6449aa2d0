import { createContext, useContext } from 'react';

export type Lang = 'pt-BR' | 'en';

const pt = {
  title: 'Console TurboZap',
  signIn: 'Entrar',
  signOut: 'Sair',
  apiKey: 'Chave da API',
  keyHint: 'A chave de administrador (data/api-key no modo embutido) ou a chave de uma instância.',
  badKey: 'Chave inválida.',
  instances: 'Instâncias',
  newInstance: 'Nova instância',
  name: 'Nome',
  create: 'Criar',
  keyOnce: 'A chave da instância {name}, mostrada só desta vez: guarde-a.',
  copy: 'Copiar',
  open: 'Abrir {name}',
  status: 'Status',
  number: 'Número',
  pushName: 'Nome no WhatsApp',
  owner: 'Worker',
  updated: 'Atualizado',
  none: 'Nenhuma instância ainda.',
  back: 'Voltar',
  connect: 'Conectar',
  restart: 'Reiniciar',
  logout: 'Desconectar',
  delete: 'Excluir',
  confirmDelete: 'Excluir a instância {name} e todos os seus dados?',
  scan: 'Abra o WhatsApp no celular → Aparelhos conectados → Conectar aparelho, e escaneie o código.',
  qrExpires: 'O código muda em {s} s',
  pairingPhone: 'Ou conecte com um código: número com DDI',
  pairingCode: 'Código de pareamento',
  getCode: 'Gerar código',
  composer: 'Enviar mensagem',
  to: 'Para (número com DDI)',
  text: 'Texto',
  send: 'Enviar',
  messages: 'Mensagens',
  noMessages: 'Nenhuma mensagem.',
  language: 'Idioma',
  statuses: {
    created: 'criada',
    connecting: 'conectando',
    qr_code: 'aguardando QR',
    connected: 'conectada',
    disconnected: 'desconectada',
    logged_out: 'deslogada',
    failed: 'falhou',
  } as Record<string, string>,
};

const en: typeof pt = {
  title: 'TurboZap console',
  signIn: 'Sign in',
  signOut: 'Sign out',
  apiKey: 'API key',
  keyHint: 'The admin key (data/api-key in embedded mode) or an instance key.',
  badKey: 'That key is not valid.',
  instances: 'Instances',
  newInstance: 'New instance',
  name: 'Name',
  create: 'Create',
  keyOnce: 'The key of the instance {name}, shown this once: keep it.',
  copy: 'Copy',
  open: 'Open {name}',
  status: 'Status',
  number: 'Number',
  pushName: 'WhatsApp name',
  owner: 'Worker',
  updated: 'Updated',
  none: 'No instances yet.',
  back: 'Back',
  connect: 'Connect',
  restart: 'Restart',
  logout: 'Log out',
  delete: 'Delete',
  confirmDelete: 'Delete the instance {name} and all of its data?',
  scan: 'Open WhatsApp on the phone → Linked devices → Link a device, and scan the code.',
  qrExpires: 'The code changes in {s} s',
  pairingPhone: 'Or link with a code: phone number with country code',
  pairingCode: 'Pairing code',
  getCode: 'Get a code',
  composer: 'Send a message',
  to: 'To (number with country code)',
  text: 'Text',
  send: 'Send',
  messages: 'Messages',
  noMessages: 'No messages.',
  language: 'Language',
  statuses: {
    created: 'created',
    connecting: 'connecting',
    qr_code: 'waiting for the QR',
    connected: 'connected',
    disconnected: 'disconnected',
    logged_out: 'logged out',
    failed: 'failed',
  },
};

export type Texts = typeof pt;
export const texts: Record<Lang, Texts> = { 'pt-BR': pt, en };

/** `{name}` placeholders filled in. */
export const fill = (text: string, values: Record<string, string | number>): string =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));

export const LangContext = createContext<Texts>(pt);
export const useTexts = (): Texts => useContext(LangContext);

const langKey = 'turbozap.lang';
export const savedLang = (): Lang => (localStorage.getItem(langKey) === 'en' ? 'en' : 'pt-BR');
export const saveLang = (lang: Lang): void => localStorage.setItem(langKey, lang);
