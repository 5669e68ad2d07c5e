/**
 * Waiting for a condition on mutable state: `until(condition)` resolves once the condition holds,
 * re-checked whenever the state's owner calls `changed()`, or at once after `cancel()`.
 */
export class StateWaiters {
  private waiting: Array<() => void> = [];
  private cancelled = false;

  until(condition: () => boolean): Promise<void> {
    if (this.cancelled || condition()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.cancelled || condition()) resolve();
        else this.waiting.push(check);
      };
      this.waiting.push(check);
    });
  }

  changed(): void {
    for (const check of this.waiting.splice(0)) check();
  }

  cancel(): void {
    this.cancelled = true;
    this.changed();
  }
}
