export interface VitestJsonReport {
  testResults?: { status: string; assertionResults?: { status: string }[] }[];
}

export function countTests(
  report: VitestJsonReport | null,
  exitStatus: number | null,
): { passed: number; failed: number };
