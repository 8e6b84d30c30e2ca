// What the certificate password field warns about while the member types: Caps Lock on (the
// password is case-sensitive) and Korean input on (a password typed in 한글 mode is not the one
// the member thinks). Browsers say Caps Lock through KeyboardEvent.getModifierState; Korean input
// shows as IME composition (compositionstart, key "Process", keyCode 229) or Hangul in the value.

export interface ModifierSource {
  getModifierState(key: string): boolean;
}

/** Caps Lock as the last key event saw it; undefined when the event cannot tell. */
export function capsLockOn(event: ModifierSource): boolean | undefined {
  try {
    return event.getModifierState("CapsLock");
  } catch {
    return undefined;
  }
}

/** Hangul syllables, jamo and compatibility jamo: what a 두벌식 keyboard in Korean mode types. */
const hangul = /[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff]/;

export function containsHangul(text: string): boolean {
  return hangul.test(text);
}

/** A key event that an input method is processing (Korean composing): key "Process" or keyCode 229. */
export function isImeKey(event: { key: string; keyCode?: number; isComposing?: boolean }): boolean {
  return event.isComposing === true || event.key === "Process" || event.keyCode === 229;
}

export interface PasswordWarnings {
  capsLock: boolean;
  korean: boolean;
}

export const noWarnings: PasswordWarnings = { capsLock: false, korean: false };
