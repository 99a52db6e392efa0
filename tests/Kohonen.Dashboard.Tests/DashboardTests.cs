using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kohonen.Tracking;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kohonen.Dashboard.Tests;

/// <summary>The dashboard's pages in Chromium, each checked against the JSON routes and the store.</summary>
public sealed class DashboardTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_runs_table_lists_the_stores_runs_and_sorts_by_a_column()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/");
        var stored = await host.Store.SearchRunsAsync(new RunQuery { MaxResults = 1000 }, Token);
        await Expect(page.Locator("#runs-count")).ToContainTextAsync($"{stored.Count} runs, 1–50 shown");
        var ids = await page.Locator("#runs tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.run)");
        var newest = stored.OrderByDescending(r => r.Info.StartTime).ThenBy(r => r.Info.RunId, StringComparer.Ordinal).Take(50);
        Assert.Equal(newest.Select(r => r.Info.RunId), ids);
        await host.ScreenshotAsync(page, "runs");

        await page.Locator("#runs thead a[data-sort=name]").ClickAsync();
        await Expect(page.Locator("#runs thead th[aria-sort=ascending] a[data-sort=name]")).ToBeVisibleAsync();
        var names = await RunNamesAsync(page);
        Assert.Equal(stored.Select(r => r.Info.RunName).Order(StringComparer.OrdinalIgnoreCase).Take(50), names);

        await page.Locator("#runs thead a[data-sort=name]").ClickAsync();
        await Expect(page.Locator("#runs thead th[aria-sort=descending] a[data-sort=name]")).ToBeVisibleAsync();
        Assert.Equal(stored.Select(r => r.Info.RunName).OrderDescending(StringComparer.OrdinalIgnoreCase).Take(50), await RunNamesAsync(page));

        await page.Locator("#runs thead a[data-sort=grid]").ClickAsync();
        await Expect(page.Locator("#runs thead th[aria-sort=ascending] a[data-sort=grid]")).ToBeVisibleAsync();
        var grids = await page.Locator("#runs tbody tr td:nth-child(9)").AllInnerTextsAsync();
        var cells = grids.Select(g => g.Split(' ')[0].Split('×').Select(int.Parse).Aggregate(1, (a, b) => a * b)).ToList();
        Assert.Equal(cells.Order(), cells);

        await page.SelectOptionAsync("select[name=status]", "FAILED");
        await page.ClickAsync("form.filters button[type=submit]");
        var failed = await page.Locator("#runs tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.run)");
        Assert.Equal([host.FailedRunId], failed);
    }

    [Fact]
    public async Task The_accuracy_column_shows_a_labelled_trainings_accuracy_and_sorts_by_it()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/?sort=accuracy&dir=desc");
        await Expect(page.Locator("#runs thead th[aria-sort=descending] a[data-sort=accuracy]")).ToBeVisibleAsync();
        // The labelled run logged only training_accuracy (0.875); "small" logged accuracy 0.5 and
        // training_accuracy 0.25, and shows the measured one; no other run has either.
        Assert.Equal(["labelled", "small"], (await RunNamesAsync(page)).Take(2));
        var accuracies = await page.Locator("#runs tbody tr td:nth-child(12)").AllInnerTextsAsync();
        Assert.Equal(["0.875", "0.5"], accuracies.Take(2));
        Assert.All(accuracies.Skip(2), a => Assert.Equal("", a));
    }

    [Fact]
    public async Task A_finished_runs_thumbnail_is_its_u_matrix_and_the_browser_may_keep_it()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync($"/?q={host.BestRunId}");
        var thumb = page.Locator($"#runs tr[data-run='{host.BestRunId}'] td.thumb img");
        await Expect(thumb).ToHaveAttributeAsync("src", $"/dashboard/runs/{host.BestRunId}/thumbnail.png");
        await Expect(thumb).ToHaveJSPropertyAsync("complete", true);
        Assert.True(await thumb.EvaluateAsync<int>("i => i.naturalWidth") > 0);
        Assert.Equal(0, await page.Locator($"#runs tr[data-run='{host.FailedRunId}'] td.thumb img").CountAsync());

        using var response = await host.Http.GetAsync(new Uri($"/dashboard/runs/{host.BestRunId}/thumbnail.png", UriKind.Relative), Token);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromDays(1), response.Headers.CacheControl?.MaxAge);
        Assert.Equal(await host.Http.GetByteArrayAsync(new Uri($"/maps/{host.BestRunId}/umatrix.png", UriKind.Relative), Token), await response.Content.ReadAsByteArrayAsync(Token));

        using var failed = await host.Http.GetAsync(new Uri($"/dashboard/runs/{host.FailedRunId}/thumbnail.png", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.Conflict, failed.StatusCode);
        Assert.Null(failed.Headers.CacheControl?.MaxAge);
    }

    [Fact]
    public async Task The_runs_table_pages_on_the_server_and_keeps_the_filter_and_order()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync($"/?experiment={host.BulkExperimentId}&sort=name&dir=asc");
        await Expect(page.Locator("#runs-count")).ToContainTextAsync($"{DashboardHost.BulkRuns} runs, 1–50 shown");
        var seen = new List<string>(await RunNamesAsync(page));
        await page.ClickAsync("a[rel=next]");
        await Expect(page.Locator("#runs-count")).ToContainTextAsync("51–100 shown");
        seen.AddRange(await RunNamesAsync(page));
        await page.ClickAsync("a[rel=next]");
        await Expect(page.Locator("#runs-count")).ToContainTextAsync($"101–{DashboardHost.BulkRuns} shown");
        seen.AddRange(await RunNamesAsync(page));
        await Expect(page.Locator("a[rel=next]")).ToHaveCountAsync(0);
        Assert.Equal(Enumerable.Range(0, DashboardHost.BulkRuns).Select(i => $"bulk-{i:000}"), seen);

        await page.GotoAsync("/?q=hexagonal");
        Assert.Equal(["hexagonal"], await RunNamesAsync(page));
        await Expect(page.Locator("#runs-count")).ToContainTextAsync("1 run");
    }

    [Fact]
    public async Task A_run_page_shows_every_picture_and_the_curve_with_hover_values()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync($"/dashboard/runs/{host.BestRunId}");
        var pictures = page.Locator(".pictures img");
        Assert.Equal(4, await pictures.CountAsync());
        foreach (var img in await pictures.AllAsync())
        {
            await img.ScrollIntoViewIfNeededAsync();
            await Expect(img).ToHaveJSPropertyAsync("complete", true);
            var size = await img.EvaluateAsync<int[]>("i => [i.naturalWidth, i.naturalHeight]");
            Assert.True(size[0] > 0 && size[1] > 0, $"{await img.GetAttributeAsync("src")} did not load.");
        }

        var history = await host.Store.GetMetricHistoryAsync(host.BestRunId, "quantization_error", Token);
        var steps = history.Select(m => m.Step).Distinct().Count();
        var points = page.Locator("figure[data-chart=quantization_error] circle.pt");
        Assert.Equal(steps, await points.CountAsync());
        Assert.True(steps > 3);

        var last = history.OrderBy(m => m.Step).Last();
        await points.Last.HoverAsync();
        var readout = await page.Locator("figure[data-chart=quantization_error] .readout").InnerTextAsync();
        Assert.Contains($"step {last.Step}:", readout, StringComparison.Ordinal);
        var shown = double.Parse(readout[(readout.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        Assert.Equal(last.Value, shown, 4);

        // The process's own tags (owner, heartbeat) are folded apart from the run's.
        var run = await host.Store.GetRunAsync(host.BestRunId, Token);
        var own = run.Tags.Keys.Where(k => k.StartsWith("kohonen.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(own);
        var shownTags = await page.Locator("#tags tbody th").AllInnerTextsAsync();
        Assert.Equal(run.Tags.Keys.Except(own).Order(StringComparer.Ordinal), shownTags);
        Assert.Equal(own.Order(StringComparer.Ordinal), await page.Locator("#process-tags th").AllTextContentsAsync());
        await Expect(page.Locator("#model-download")).ToHaveAttributeAsync("href", $"/dashboard/runs/{host.BestRunId}/model.som");
        await Expect(page.Locator("#served-state")).ToContainTextAsync("served now");
        await host.ScreenshotAsync(page, "run");
    }

    [Fact]
    public async Task A_run_is_served_from_its_page_with_the_key()
    {
        var runs = await host.Store.SearchRunsAsync(new RunQuery { MaxResults = 1000 }, Token);
        var small = runs.Single(r => r.Info.RunName == "small").Info.RunId;
        var page = await host.NewPageAsync();
        await page.GotoAsync($"/dashboard/runs/{small}");
        try
        {
            await page.ClickAsync("#activate");
            await Expect(page.Locator("#activate-problem")).ToContainTextAsync("401");
            await KeepKeyAsync(page, DashboardHost.ApiKey);
            await page.ClickAsync("#activate");
            await Expect(page.Locator("#activate-result")).ToContainTextAsync("Now serving small (4×3)");
            Assert.Equal(small, (await host.GetJsonAsync("/model-info")).GetProperty("run_id").GetString());
            await page.WaitForLoadStateAsync(LoadState.Load);
            await Expect(page.Locator("#served")).ToContainTextAsync("Serving small (4×3");
        }
        finally
        {
            using var back = new HttpRequestMessage(HttpMethod.Post, new Uri($"/models/{host.BestRunId}/activate", UriKind.Relative));
            back.Headers.Add("X-Api-Key", DashboardHost.ApiKey);
            (await host.Http.SendAsync(back, Token)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task The_model_file_download_is_the_runs_model()
    {
        var bytes = await host.Http.GetByteArrayAsync(new Uri($"/dashboard/runs/{host.BestRunId}/model.som", UriKind.Relative), Token);
        Assert.Equal(await host.Store.ReadArtifactAsync(host.BestRunId, "model.som", Token), bytes);
    }

    [Fact]
    public async Task An_unknown_run_shows_a_problem_not_a_blank_page()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/dashboard/runs/0123456789abcdef0123456789abcdef");
        await Expect(page.Locator(".problem[role=alert]")).ToContainTextAsync("No run has the id '0123456789abcdef0123456789abcdef'.");
    }

    [Fact]
    public async Task Hovering_a_cell_shows_that_nodes_weights_as_the_weights_route_returns_them()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/dashboard/map");
        var info = await host.GetJsonAsync("/model-info");
        var width = info.GetProperty("width").GetInt32();
        Assert.Equal(width * info.GetProperty("height").GetInt32(), await page.Locator("#map .cells > *").CountAsync());
        var (x, y) = (5, 3);
        await page.Locator("#map .cells > *").Nth(y * width + x).HoverAsync();
        await Expect(page.Locator("#node-weights")).ToHaveAttributeAsync("data-x", "5");
        await Expect(page.Locator("#node-weights")).ToHaveAttributeAsync("data-y", "3");
        var expected = await host.GetJsonAsync($"/weights/{x}/{y}");
        var rows = await page.Locator("#node-weights tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [r.cells[0].textContent, r.cells[1].textContent])");
        var names = expected.GetProperty("feature_names").EnumerateArray().Select(n => n.GetString()).ToArray();
        var weights = expected.GetProperty("weights").EnumerateArray().Select(w => w.GetDouble()).ToArray();
        Assert.Equal(names, rows.Select(r => r[0]));
        Assert.Equal(weights, rows.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)));
        await Expect(page.Locator("#node-title")).ToHaveTextAsync("Node (5, 3)");
        await host.ScreenshotAsync(page, "map");

        await page.SelectOptionAsync("#colour", "plane-1");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/dashboard/map\\?colour=plane-1$"));
        await Expect(page.Locator("#map")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("Component plane green"));
        await host.ScreenshotAsync(page, "map-plane");
    }

    [Fact]
    public async Task A_map_with_labels_and_segments_is_coloured_by_them_and_shows_a_nodes_label()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/dashboard/map");
        Assert.Equal(0, await page.Locator("#colour option[value=labels]").CountAsync());
        await ActivateAsync(host.LabelledRunId);
        try
        {
            var model = host.LabelledModel;
            var labels = model.Labels!;
            var segments = model.Segments!;
            string[] okabeIto = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442"];
            await page.GotoAsync("/dashboard/map");
            await page.SelectOptionAsync("#colour", "labels");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/dashboard/map\\?colour=labels$"));
            var fills = await page.Locator("#map .cells > *").EvaluateAllAsync<string[]>("cells => cells.map(c => c.getAttribute('fill').toLowerCase())");
            Assert.Equal(Enumerable.Range(0, model.Grid.NodeCount).Select(i => okabeIto[labels.ClassOf(i)]), fills);
            Assert.Equal(["blue", "green", "red"], await page.Locator("#map-legend li").AllTextContentsAsync());

            // A node's label, its class shares and its segment, as the model keeps them.
            var (x, y) = (6, 2);
            var node = model.Grid.IndexOf(x, y);
            await page.Locator("#map .cells > *").Nth(node).HoverAsync();
            await Expect(page.Locator("#node-label")).ToHaveAttributeAsync("data-label", labels.LabelOf(node));
            await Expect(page.Locator("#node-segment")).ToHaveAttributeAsync("data-segment", segments.SegmentOf(node).ToString(CultureInfo.InvariantCulture));
            var shares = await page.Locator("#node-classes tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [r.cells[0].textContent, r.cells[1].textContent])");
            Assert.Equal(labels.Classes, shares.Select(r => r[0]));
            var source = labels.SourceOf(node);
            var row = Enumerable.Range(0, labels.Classes.Count).Select(k => (double)labels.Weights[source * labels.Classes.Count + k]).ToArray();
            Assert.Equal(row.Select(w => w / row.Sum()), shares.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)), (a, b) => Math.Abs(a - b) < 1e-3);
            await host.ScreenshotAsync(page, "map-labels");

            await page.SelectOptionAsync("#colour", "segments");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/dashboard/map\\?colour=segments$"));
            fills = await page.Locator("#map .cells > *").EvaluateAllAsync<string[]>("cells => cells.map(c => c.getAttribute('fill').toLowerCase())");
            Assert.Equal(Enumerable.Range(0, model.Grid.NodeCount).Select(i => okabeIto[segments.SegmentOf(i)]), fills);
            await host.ScreenshotAsync(page, "map-segments");
        }
        finally
        {
            await ActivateAsync(host.BestRunId);
        }
    }

    [Fact]
    public async Task A_labelled_maps_answers_carry_their_label_and_segment_and_its_run_page_draws_them()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync($"/dashboard/runs/{host.LabelledRunId}");
        Assert.Equal(["rgb", "umatrix", "planes", "labels", "segments"], await page.Locator(".pictures figure").EvaluateAllAsync<string[]>("fs => fs.map(f => f.dataset.kind)"));
        foreach (var img in await page.Locator(".pictures img").AllAsync())
        {
            await img.ScrollIntoViewIfNeededAsync();
            await Expect(img).ToHaveJSPropertyAsync("complete", true);
            Assert.True(await img.EvaluateAsync<int>("i => i.naturalWidth") > 0, $"{await img.GetAttributeAsync("src")} did not load.");
        }

        await ActivateAsync(host.LabelledRunId);
        try
        {
            var model = host.LabelledModel;
            await page.GotoAsync("/dashboard/predict");
            await page.FillAsync("#vector", "0.1, 0.2, 0.9");
            await page.ClickAsync("#predict-one button[type=submit]");
            using var answer = await host.Http.PostAsJsonAsync(new Uri("/predict-bmu", UriKind.Relative), new { data = new[] { 0.1, 0.2, 0.9 } }, Token);
            var bmu = await answer.Content.ReadFromJsonAsync<JsonElement>(Token);
            var node = model.Grid.IndexOf(bmu.GetProperty("bmu_x").GetInt32(), bmu.GetProperty("bmu_y").GetInt32());
            await Expect(page.Locator("#bmu-result")).ToContainTextAsync($"label {model.Labels!.LabelOf(node)} (confidence");
            await Expect(page.Locator("#bmu-result")).ToContainTextAsync($"segment {model.Segments!.SegmentOf(node)}");

            await page.FillAsync("#csv-text", "0.9,0.1,0.1\n0.1,0.9,0.1\n0.1,0.2,0.9\n");
            await page.ClickAsync("#predict-batch button[type=submit]");
            await Expect(page.Locator("#batch-table tbody tr")).ToHaveCountAsync(3);
            Assert.Equal(["Row", "bmu_x", "bmu_y", "distance", "label", "label_confidence", "segment"], await page.Locator("#batch-table thead th").AllInnerTextsAsync());
            var rows = await page.Locator("#batch-table tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => Array.from(r.cells, c => c.textContent))");
            foreach (var row in rows)
            {
                var index = model.Grid.IndexOf(int.Parse(row[1], CultureInfo.InvariantCulture), int.Parse(row[2], CultureInfo.InvariantCulture));
                Assert.Equal(model.Labels!.LabelOf(index), row[4]);
                Assert.Equal(model.Segments!.SegmentOf(index).ToString(CultureInfo.InvariantCulture), row[6]);
            }

            // The download carries the same columns.
            var csv = await page.Locator("#batch-download").EvaluateAsync<string>("async a => await (await fetch(a.href)).text()");
            var lines = csv.TrimEnd('\n').Split('\n');
            Assert.Equal("row,bmu_x,bmu_y,distance,label,label_confidence,segment", lines[0]);
            Assert.Equal(rows.Select(r => (r[4], r[6])), lines.Skip(1).Select(l => l.Split(',')).Select(f => (f[4], f[6])));
            await host.ScreenshotAsync(page, "predict-labelled");
        }
        finally
        {
            await ActivateAsync(host.BestRunId);
        }
    }

    [Fact]
    public async Task The_hits_colouring_and_a_nodes_hits_are_the_training_rows_each_node_wins()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/dashboard/map");
        await page.SelectOptionAsync("#colour", "hits");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/dashboard/map\\?colour=hits$"));
        await Expect(page.Locator("#map")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("^Hits"));

        // The rows each node wins, counted here by the nearest codebook vector.
        var model = host.BestModel;
        var expected = new int[model.Grid.NodeCount];
        var scaled = new float[model.Dimension];
        for (var r = 0; r < host.Colours.Rows; r++)
        {
            var row = Enumerable.Range(0, model.Dimension).Select(c => host.Colours[r, c]).ToArray();
            if (model.Scaler is { } scaler)
            {
                scaler.Transform(row, scaled);
                row = [.. scaled];
            }

            var best = Enumerable.Range(0, model.Grid.NodeCount).MinBy(i =>
            {
                var (x, y) = model.Grid.CoordinatesOf(i);
                var w = model.GetWeights(x, y);
                return Enumerable.Range(0, model.Dimension).Sum(c => (double)(row[c] - w[c]) * (row[c] - w[c]));
            });
            expected[best]++;
        }

        var values = await page.Locator("#map-values").EvaluateAsync<double[]>("e => JSON.parse(e.textContent)");
        Assert.Equal(expected.Select(h => (double)h), values);
        var node = Array.IndexOf(expected, expected.Max());
        await page.Locator("#map .cells > *").Nth(node).HoverAsync();
        await Expect(page.Locator("#node-hits")).ToHaveAttributeAsync("data-hits", expected[node].ToString(CultureInfo.InvariantCulture));
        await host.ScreenshotAsync(page, "map-hits");
    }

    private async Task ActivateAsync(string runId)
    {
        using var activate = new HttpRequestMessage(HttpMethod.Post, new Uri($"/models/{runId}/activate", UriKind.Relative));
        activate.Headers.Add("X-Api-Key", DashboardHost.ApiKey);
        (await host.Http.SendAsync(activate, Token)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_hexagonal_map_is_drawn_as_hexagons()
    {
        var page = await host.NewPageAsync();
        var runs = await host.Store.SearchRunsAsync(new RunQuery { MaxResults = 1000 }, Token);
        var hex = runs.Single(r => r.Info.RunName == "hexagonal").Info.RunId;
        using (var activate = new HttpRequestMessage(HttpMethod.Post, new Uri($"/models/{hex}/activate", UriKind.Relative)))
        {
            activate.Headers.Add("X-Api-Key", DashboardHost.ApiKey);
            (await host.Http.SendAsync(activate, Token)).EnsureSuccessStatusCode();
        }

        try
        {
            await page.GotoAsync("/dashboard/map");
            await Expect(page.Locator("#map")).ToHaveAttributeAsync("data-topology", "hexagonal");
            Assert.Equal(9 * 7, await page.Locator("#map .cells > use").CountAsync());
            await host.ScreenshotAsync(page, "map-hexagonal");
        }
        finally
        {
            using var back = new HttpRequestMessage(HttpMethod.Post, new Uri($"/models/{host.BestRunId}/activate", UriKind.Relative));
            back.Headers.Add("X-Api-Key", DashboardHost.ApiKey);
            (await host.Http.SendAsync(back, Token)).EnsureSuccessStatusCode();
        }
    }

    [Theory]
    [InlineData(210, 200, Topology.Rectangular)]
    [InlineData(205, 205, Topology.Hexagonal)]
    public async Task A_map_too_large_for_svg_cells_is_drawn_on_a_canvas_and_found_by_coordinates(int width, int height, Topology topology)
    {
        var run = await TrainingRecorder.TrainAsync(host.Store, "large", $"large-{width}x{height}", new SomTrainer(new SomOptions { Width = width, Height = height, Iterations = 2, Seed = 5, Topology = topology }), host.Colours, cancellationToken: Token);
        await ActivateAsync(run.RunId);
        try
        {
            var page = await host.NewPageAsync();
            await page.GotoAsync("/dashboard/map");
            var map = page.Locator("canvas#map");
            await Expect(map).ToHaveAttributeAsync("data-topology", topology == Topology.Hexagonal ? "hexagonal" : "rectangular");
            Assert.Equal(0, await page.Locator("#map .cells > *").CountAsync());

            // The cells' geometry, written here: unit cells, hexagons pointy-top with odd rows half a
            // cell to the right, rows √3/2 apart.
            var hex = topology == Topology.Hexagonal;
            var r = 1 / Math.Sqrt(3);
            var unitsWide = hex ? width + 0.5 : width;
            (double X, double Y) Centre(int x, int y) => hex ? (x + 0.5 * (y % 2) + 0.5, y * Math.Sqrt(3) / 2 + r) : (x + 0.5, y + 0.5);

            // The lowest U-matrix node is viridis's dark end, the highest its yellow end.
            var umatrix = MapAnalysis.UMatrix(run.Model).ToArray();
            foreach (var (node, rgb) in new[] { (Array.IndexOf(umatrix, umatrix.Min()), new[] { 68, 1, 84 }), (Array.IndexOf(umatrix, umatrix.Max()), new[] { 253, 231, 37 }) })
            {
                var (cx, cy) = Centre(node % width, node / width);
                var pixel = await map.EvaluateAsync<int[]>(
                    "(c, p) => { const s = c.width / p[2]; return Array.from(c.getContext('2d').getImageData(Math.floor(p[0] * s), Math.floor(p[1] * s), 1, 1).data).slice(0, 3); }",
                    new[] { cx, cy, unitsWide });
                Assert.Equal(rgb, pixel);
            }

            // The pointer over a node's centre shows that node's weights, as /weights/{x}/{y} gives them.
            var (x, y) = (width - 3, height / 2 + 1);
            var box = (await map.BoundingBoxAsync())!;
            var (ux, uy) = Centre(x, y);
            var cssPerUnit = (box.Width - 2) / unitsWide;
            await page.Mouse.MoveAsync((float)(box.X + 1 + ux * cssPerUnit), (float)(box.Y + 1 + uy * cssPerUnit));
            await Expect(page.Locator("#node-weights")).ToHaveAttributeAsync("data-x", x.ToString(CultureInfo.InvariantCulture));
            await Expect(page.Locator("#node-weights")).ToHaveAttributeAsync("data-y", y.ToString(CultureInfo.InvariantCulture));
            var expected = (await host.GetJsonAsync($"/weights/{x}/{y}")).GetProperty("weights").EnumerateArray().Select(w => w.GetDouble()).ToArray();
            var shown = await page.Locator("#node-weights tbody td").AllInnerTextsAsync();
            Assert.Equal(expected, shown.Select(t => double.Parse(t, CultureInfo.InvariantCulture)));
            await host.ScreenshotAsync(page, $"map-large-{topology.ToString().ToLowerInvariant()}");

            // The keyboard walks it too.
            await map.FocusAsync();
            await page.Keyboard.PressAsync("ArrowLeft");
            await Expect(page.Locator("#node-weights")).ToHaveAttributeAsync("data-x", (x - 1).ToString(CultureInfo.InvariantCulture));

            // A pasted vector lights the cell /predict-bmu names.
            await page.GotoAsync("/dashboard/predict");
            await page.FillAsync("#vector", "0.2, 0.7, 0.4");
            await page.ClickAsync("#predict-one button[type=submit]");
            using var answer = await host.Http.PostAsJsonAsync(new Uri("/predict-bmu", UriKind.Relative), new { data = new[] { 0.2, 0.7, 0.4 } }, Token);
            var bmu = await answer.Content.ReadFromJsonAsync<JsonElement>(Token);
            var lit = bmu.GetProperty("bmu_y").GetInt32() * width + bmu.GetProperty("bmu_x").GetInt32();
            await Expect(page.Locator("canvas#map")).ToHaveAttributeAsync("data-lit", lit.ToString(CultureInfo.InvariantCulture));
        }
        finally
        {
            await ActivateAsync(host.BestRunId);
        }
    }

    [Fact]
    public async Task A_pasted_vector_lights_up_the_cell_predict_bmu_names()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/dashboard/predict");
        await page.FillAsync("#vector", "0.9, 0.15, 0.3");
        await page.ClickAsync("#predict-one button[type=submit]");
        await Expect(page.Locator("#map .cells > .lit")).ToHaveCountAsync(1);
        var lit = await page.Locator("#map .cells > *").EvaluateAllAsync<int>("cells => cells.findIndex(c => c.classList.contains('lit'))");
        using var answer = await host.Http.PostAsJsonAsync(new Uri("/predict-bmu", UriKind.Relative), new { data = new[] { 0.9, 0.15, 0.3 } }, Token);
        var bmu = await answer.Content.ReadFromJsonAsync<JsonElement>(Token);
        var width = (await host.GetJsonAsync("/model-info")).GetProperty("width").GetInt32();
        Assert.Equal(bmu.GetProperty("bmu_y").GetInt32() * width + bmu.GetProperty("bmu_x").GetInt32(), lit);
        await Expect(page.Locator("#bmu-result")).ToContainTextAsync($"({bmu.GetProperty("bmu_x").GetInt32()}, {bmu.GetProperty("bmu_y").GetInt32()})");

        await page.FillAsync("#csv-text", "red,green,blue\n0.1,0.2,0.9\n0.8,0.8,0.1\n0.9,0.15,0.3\n");
        await page.ClickAsync("#predict-batch button[type=submit]");
        await Expect(page.Locator("#batch-table tbody tr")).ToHaveCountAsync(3);
        var third = await page.Locator("#batch-table tbody tr").Nth(2).Locator("td").AllInnerTextsAsync();
        Assert.Equal([bmu.GetProperty("bmu_x").GetInt32().ToString(CultureInfo.InvariantCulture), bmu.GetProperty("bmu_y").GetInt32().ToString(CultureInfo.InvariantCulture)], third.Skip(1).Take(2));
        await host.ScreenshotAsync(page, "predict");

        await page.FillAsync("#vector", "1, 2");
        await page.ClickAsync("#predict-one button[type=submit]");
        await Expect(page.Locator("#predict-problem")).ToContainTextAsync("400");
        await Expect(page.Locator("#predict-problem")).ToContainTextAsync("has 2 values");
    }

    [Fact]
    public async Task A_training_started_from_the_form_shows_progress_and_ends_finished_in_the_table()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/dashboard/train");
        await KeepKeyAsync(page, DashboardHost.ApiKey);
        await page.SelectOptionAsync("#data_file", "colours.csv");
        await page.FillAsync("#width", "40");
        await page.FillAsync("#height", "30");
        await page.FillAsync("#iterations", "400");
        await page.FillAsync("#seed", "5");
        await page.FillAsync("#run_name", "from-the-form");
        await page.ClickAsync("#train-start");
        await Expect(page.Locator("#train-progress")).ToBeVisibleAsync();
        await Expect(page.Locator("#train-iteration")).ToContainTextAsync(" of 400");
        await host.ScreenshotAsync(page, "train-in-progress");
        await Expect(page.Locator("#train-status")).ToHaveTextAsync("FINISHED", new() { Timeout = 180_000 });
        Assert.Equal(1.0, await page.Locator("#train-bar").EvaluateAsync<double>("b => b.value"));
        var runId = await page.Locator("#train-run").InnerTextAsync();
        await host.ScreenshotAsync(page, "train-finished");

        await page.GotoAsync("/?q=from-the-form");
        var row = page.Locator($"#runs tbody tr[data-run='{runId}']");
        await Expect(row).ToHaveAttributeAsync("data-status", "FINISHED");
    }

    [Fact]
    public async Task The_form_sends_the_end_values_the_distance_and_the_columns_to_the_run()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/dashboard/train");
        await KeepKeyAsync(page, DashboardHost.ApiKey);
        await page.SelectOptionAsync("#data_file", "colours.csv");
        await page.FillAsync("#width", "6");
        await page.FillAsync("#height", "5");
        await page.FillAsync("#iterations", "20");
        await page.FillAsync("#sigma", "3");
        await page.FillAsync("#sigma_end", "0.5");
        await page.FillAsync("#learning_rate_end", "0.02");
        await page.SelectOptionAsync("#distance", "manhattan");
        await page.FillAsync("#columns", "red, 2");
        await page.FillAsync("#run_name", "ends-and-distance");
        await page.ClickAsync("#train-start");
        await Expect(page.Locator("#train-status")).ToHaveTextAsync("FINISHED", new() { Timeout = 120_000 });
        var runId = await page.Locator("#train-run").InnerTextAsync();

        var run = await host.Store.GetRunAsync(runId, Token);
        Assert.Equal(("0.5", "0.02", "manhattan"), (run.Params["sigma_end"], run.Params["learning_rate_end"], run.Params["distance"]));
        Assert.Equal("red,blue", run.Tags["feature_schema"]);
    }

    [Fact]
    public async Task A_training_can_be_cancelled_and_its_run_ends_killed()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/dashboard/train");
        await KeepKeyAsync(page, DashboardHost.ApiKey);
        await page.SelectOptionAsync("#data_file", "colours.csv");
        await page.FillAsync("#width", "120");
        await page.FillAsync("#height", "120");
        await page.FillAsync("#iterations", "20000");
        await page.FillAsync("#run_name", "to-cancel");
        await page.ClickAsync("#train-start");
        await Expect(page.Locator("#train-status")).ToHaveTextAsync("RUNNING");
        await page.ClickAsync("#train-cancel");
        await Expect(page.Locator("#train-status")).ToHaveTextAsync("KILLED", new() { Timeout = 60_000 });
        var runId = await page.Locator("#train-run").InnerTextAsync();
        Assert.Equal(RunStatus.Killed, (await host.Store.GetRunAsync(runId, Token)).Info.Status);
    }

    [Fact]
    public async Task A_missing_or_wrong_api_key_shows_the_services_problem()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/dashboard/train");
        await page.FillAsync("#data", "1,0,0\n0,1,0\n0,0,1");
        await page.ClickAsync("#train-start");
        var unauthorized = await ProblemDetailAsync(null);
        await Expect(page.Locator("#train-problem")).ToContainTextAsync("401");
        await Expect(page.Locator("#train-problem")).ToContainTextAsync(unauthorized);

        await KeepKeyAsync(page, "not-the-key");
        await page.ClickAsync("#train-start");
        var forbidden = await ProblemDetailAsync("not-the-key");
        await Expect(page.Locator("#train-problem")).ToContainTextAsync("403");
        await Expect(page.Locator("#train-problem")).ToContainTextAsync(forbidden);
        await host.ScreenshotAsync(page, "train-wrong-key");
    }

    [Fact]
    public async Task The_key_never_appears_in_an_address()
    {
        var page = await host.NewPageAsync();
        var urls = new List<string>();
        page.Request += (_, request) => urls.Add(request.Url);
        await page.GotoAsync("/dashboard/train");
        await KeepKeyAsync(page, "secret-in-session");
        await page.FillAsync("#data", "1,0,0\n0,1,0");
        await page.ClickAsync("#train-start");
        await Expect(page.Locator("#train-problem")).ToContainTextAsync("403");
        Assert.DoesNotContain(urls, u => u.Contains("secret-in-session", StringComparison.Ordinal));
        Assert.Equal("secret-in-session", await page.EvaluateAsync<string>("() => sessionStorage.getItem('kohonen.apiKey')"));
    }

    [Fact]
    public async Task Comparing_two_runs_marks_the_params_that_differ_and_draws_both_curves()
    {
        var page = await host.NewPageAsync();
        var runs = await host.Store.SearchRunsAsync(new RunQuery { MaxResults = 1000 }, Token);
        await page.GotoAsync("/?experiment=" + runs.Single(r => r.Info.RunName == "big").Info.ExperimentId);
        var big = runs.Single(r => r.Info.RunName == "big").Info.RunId;
        var small = runs.Single(r => r.Info.RunName == "small").Info.RunId;
        await page.CheckAsync($"input[name=run][value='{big}']");
        await page.CheckAsync($"input[name=run][value='{small}']");
        await page.ClickAsync("#compare-form button[type=submit]");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/dashboard/compare\\?run="));
        var differing = await page.Locator("#compare-params tbody tr.differs th").AllInnerTextsAsync();
        Assert.Contains("≠ width", differing);
        Assert.Contains("≠ height", differing);
        Assert.DoesNotContain(differing, d => d.EndsWith(" topology", StringComparison.Ordinal));
        // The data come first: the same colours, but only "big" was tagged with a file name; the
        // accuracy among the metrics ("small" logged 0.5, "big" none).
        var rows = await page.Locator("#compare-params tbody th").AllInnerTextsAsync();
        Assert.Equal(["data file", "data", "features", "data fingerprint"], rows.Take(4).Select(r => r.Replace("≠ ", "", StringComparison.Ordinal)));
        Assert.Contains("≠ data file", differing);
        Assert.DoesNotContain("≠ features", differing);
        Assert.Contains("≠ accuracy", differing);
        Assert.Equal(2, await page.Locator("figure[data-chart=quantization_error] polyline").CountAsync());
        await host.ScreenshotAsync(page, "compare");
    }

    [Fact]
    public async Task The_main_flow_works_with_the_keyboard_alone()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/?sort=name&dir=asc");
        await Expect(page.Locator("#runs")).ToBeVisibleAsync();

        // Tab to the first run in the table, open it with Enter.
        await TabToAsync(page, "e => e.closest('#runs') !== null && (e.getAttribute('href') || '').startsWith('/dashboard/runs/')", 80);
        var target = await page.EvaluateAsync<string>("() => document.activeElement.getAttribute('href')");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(target) + "$"));
        await Expect(page.Locator("h1")).ToContainTextAsync("Run ");

        // Tab to the navigation's "Map", open it, focus the map and walk it with the arrow keys.
        await TabToAsync(page, "e => e.getAttribute('href') === '/dashboard/map'", 30);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/dashboard/map$"));
        await Expect(page.Locator("#map")).ToBeVisibleAsync();
        await TabToAsync(page, "e => e.id === 'map'", 40);
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(page.Locator("#node-title")).ToHaveTextAsync("Node (2, 1)");
        await Expect(page.Locator("#node-weights")).ToHaveAttributeAsync("data-x", "2");
    }

    /// <summary>Presses Tab until the focused element satisfies <paramref name="test"/> (a script
    /// function of the element); fails after <paramref name="most"/> presses.</summary>
    private static async Task TabToAsync(IPage page, string test, int most)
    {
        for (var i = 0; i < most; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => document.activeElement !== null && ({test})(document.activeElement)"))
            {
                return;
            }
        }

        Assert.Fail($"No element matching {test} after {most} presses of Tab.");
    }

    [Fact]
    public async Task The_pages_fit_a_phone_sized_screen()
    {
        var page = await host.NewPageAsync(390, 844);
        foreach (var (path, name) in new[] { ("/", "phone-runs"), ($"/dashboard/runs/{host.BestRunId}", "phone-run"), ("/dashboard/map", "phone-map") })
        {
            await page.GotoAsync(path);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} is {overflow} px wider than the screen.");
            await host.ScreenshotAsync(page, name);
        }
    }

    [Fact]
    public async Task Every_page_loads_from_the_service_alone()
    {
        var page = await host.NewPageAsync();
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);
        foreach (var path in new[] { "/", $"/dashboard/runs/{host.BestRunId}", $"/dashboard/compare?run={host.BestRunId}", "/dashboard/map", "/dashboard/predict", "/dashboard/train" })
        {
            await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        }

        var origin = new Uri(host.BaseAddress).GetLeftPart(UriPartial.Authority);
        Assert.Contains(requested, u => u.EndsWith("/dashboard/assets/app.js", StringComparison.Ordinal));
        Assert.All(requested, u => Assert.True(u.StartsWith(origin + "/", StringComparison.Ordinal) || u.StartsWith("data:", StringComparison.Ordinal), $"{u} is not served by the service."));
    }

    [Fact]
    public async Task The_api_reference_stays_at_docs_and_the_dashboard_is_at_the_root()
    {
        using var root = await host.Http.GetAsync(new Uri("/", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("text/html", root.Content.Headers.ContentType?.MediaType);
        using var docs = await host.Http.GetAsync(new Uri("/docs", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        var openApi = await host.GetJsonAsync("/openapi/v1.json");
        Assert.DoesNotContain(openApi.GetProperty("paths").EnumerateObject(), p => p.Name.StartsWith("/dashboard", StringComparison.Ordinal) || p.Name == "/");
    }

    private static async Task<List<string>> RunNamesAsync(IPage page) =>
        [.. await page.Locator("#runs tbody tr td:nth-child(3) a").AllInnerTextsAsync()];

    private static async Task KeepKeyAsync(IPage page, string key)
    {
        await page.ClickAsync("details.key summary");
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("#key-form button[type=submit]");
        await Expect(page.Locator("#key-state")).ToHaveTextAsync("A key is kept for this tab.");
    }

    /// <summary>The detail the service answers POST /train with, given this key (or none).</summary>
    private async Task<string> ProblemDetailAsync(string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/train", UriKind.Relative))
        {
            Content = JsonContent.Create(new { data = new[] { new[] { 1, 0, 0 } } }),
        };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await host.Http.SendAsync(request, Token);
        Assert.Equal(key is null ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("detail").GetString()!;
    }
}
