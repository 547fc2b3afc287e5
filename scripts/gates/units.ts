import { CURRENCY_UNIT, PER_UNIT } from '../config/schema/index.ts';

/**
 * A metric unit as a reader sees it after a number: `currency:USD` → `USD`,
 * `currency:USD/search` → `USD per search`, `per:search` → `per search`; the fixed units as
 * written (the reporters turn `percent` into `%` and drop `count` and `ratio`).
 */
export function unitLabel(unit: string): string {
  const money = CURRENCY_UNIT.exec(unit);
  if (money) return money[2] ? `${money[1]} per ${money[2].replace(/_/g, ' ')}` : money[1];
  const per = PER_UNIT.exec(unit);
  if (per) return `per ${per[1].replace(/_/g, ' ')}`;
  return unit;
}
