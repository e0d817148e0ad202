/**
 * What every row of the shared bad-rows fixture must come back as, row numbers as a spreadsheet shows them (header =
 * row 1). Kept apart from the tests so the CLI and the HTTP suites hold the same expectation.
 */
export const BAD_ROWS_FIXTURE = '/work/shared/fixtures/training-certificates-with-bad-rows.csv';

export const GOOD_ROWS = [2, 4, 6, 8, 10, 12, 14] as const;

/** Bad row → the column its problem must name (null: a row-level problem, the truncated last row). */
export const BAD_ROWS: ReadonlyMap<number, string | null> = new Map([
  [3, 'citizen_id'], // check digit
  [5, 'first_name_th'], // empty
  [7, 'completed_on'], // 2025-02-30
  [9, 'first_name_th'], // #read("/etc/passwd")
  [11, 'course_th'], // =HYPERLINK(...)
  [13, 'first_name_th'], // 5,000 characters
  [15, null], // 3 cells of 9
]);

/** Citizen id in the fixture's row 2, to tie a PDF back to its row. */
export const ROW_2_CITIZEN_ID = '4270960259083';
