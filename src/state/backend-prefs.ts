import { isBackendName, type BackendName } from '../core/backend/index.js';
import type { CalibrationResult } from '../workers/model-api.js';

// Remembered per browser: the backend the user picked, and the last calibration.
const CHOICE_KEY = 'bert-studio.backend.choice';
const CALIBRATION_KEY = 'bert-studio.backend.calibration';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function loadChoice(): BackendName | null {
  const v = storage()?.getItem(CHOICE_KEY);
  return isBackendName(v) ? v : null;
}

export function saveChoice(choice: BackendName | null): void {
  const s = storage();
  if (!s) return;
  if (choice) s.setItem(CHOICE_KEY, choice);
  else s.removeItem(CHOICE_KEY);
}

export function loadCalibration(): CalibrationResult | null {
  try {
    const v = JSON.parse(storage()?.getItem(CALIBRATION_KEY) ?? 'null') as CalibrationResult | null;
    return v && typeof v.workload === 'string' && v.millis && typeof v.millis === 'object' ? { ...v, failed: v.failed ?? {} } : null;
  } catch {
    return null;
  }
}

export function saveCalibration(c: CalibrationResult): void {
  storage()?.setItem(CALIBRATION_KEY, JSON.stringify(c));
}
