namespace Kohonen.Server.Dashboard;

/// <summary>One line of a chart: a metric's values by step.</summary>
/// <param name="Name">What the line is (a run's name, or the metric).</param>
/// <param name="Points">(step, value) in step order; NaN values are left out of the line.</param>
public sealed record CurveSeries(string Name, IReadOnlyList<(long Step, double Value)> Points);
