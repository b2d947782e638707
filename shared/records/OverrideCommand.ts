/** The command half of the Avro override message (schemas/override-message.avsc). */
export interface OverrideCommand {
  readonly commandId: string;
  readonly executionId: string;
  readonly approved: boolean;
  readonly approvedBy: string;
  readonly approverRole: string;
  readonly reason: string;
  readonly requestedAt: string;
}
