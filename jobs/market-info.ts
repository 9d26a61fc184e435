import { marketHolidaysJob, marketStatusJob, marketTimingsJob } from './market-info-calendar.js';
import { expiredCandlesJob, expiredContractsJob, expiredExpiriesJob } from './market-info-expired.js';

/** The jobs for market information (status, holidays, timings) and expired instruments. */
export const marketInfoJobs = [marketStatusJob, marketHolidaysJob, marketTimingsJob, expiredExpiriesJob, expiredContractsJob, expiredCandlesJob] as const;
