/**
 * The admin's tables, on TanStack Table: semantic markup (caption, column headers, aria-sort), a header button per
 * sortable column, and a focusable horizontal scroll area so a wide table stays usable at phone width. Sorting is the
 * server's (manualSorting): a header click asks the page for another sort, which becomes another query; the table
 * never reorders one page by itself, which would be wrong across cursor pages.
 */
import {
  type ColumnDef,
  createColumnHelper,
  type RowData,
  rowSortingFeature,
  type SortingState,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';

const features = tableFeatures({ rowSortingFeature });
export type AdminTableFeatures = typeof features;
/** A column of any value type, as TanStack's own `columnHelper.columns()` types a list of them. */
// biome-ignore lint/suspicious/noExplicitAny: each column keeps its own value type; a list of them can only say any (as TanStack does)
export type AdminColumn<T extends RowData> = ColumnDef<AdminTableFeatures, T, any>;

export function adminColumns<T extends RowData>() {
  return createColumnHelper<AdminTableFeatures, T>();
}

export function DataTable<T extends RowData>({
  caption,
  columns,
  data,
  rowId,
  sorting = [],
  onSort,
  testId,
}: {
  caption: string;
  columns: AdminColumn<T>[];
  data: T[];
  rowId: (row: T) => string;
  /** The server's current sort, as the table shows it. */
  sorting?: SortingState;
  /** A header was clicked: the column asked for (the page decides the direction). */
  onSort?: (columnId: string) => void;
  testId?: string;
}) {
  const table = useTable({
    features,
    columns,
    data,
    getRowId: (row) => rowId(row),
    state: { sorting },
    manualSorting: true,
    enableSorting: Boolean(onSort),
  });

  return (
    <section
      aria-label={caption}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe scrollable-region-focusable)
      tabIndex={0}
      className="overflow-x-auto rounded-lg border border-stone-200 bg-white focus-visible:outline-2 focus-visible:outline-teal-700"
    >
      <table className="w-full min-w-[36rem] text-left text-sm" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-stone-50 text-stone-700">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                const canSort = Boolean(onSort) && header.column.getCanSort();
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className="px-3 py-2 font-semibold"
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                  >
                    {header.isPlaceholder ? null : canSort ? (
                      <button
                        type="button"
                        className="inline-flex items-center gap-1 underline-offset-2 hover:underline"
                        onClick={() => onSort?.(header.column.id)}
                        data-testid={`sort-${header.column.id}`}
                      >
                        <table.FlexRender header={header} />
                        <span aria-hidden="true">{sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}</span>
                      </button>
                    ) : (
                      <table.FlexRender header={header} />
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-stone-200">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className="hover:bg-stone-50" data-testid="table-row" data-row-id={row.id}>
              {row.getAllCells().map((cell) => (
                <td key={cell.id} className="px-3 py-2 align-middle">
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
