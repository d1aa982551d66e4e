// The one error type for problems in a user's data files.

/** An input problem the user must fix: names the file (and line when known). */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}
