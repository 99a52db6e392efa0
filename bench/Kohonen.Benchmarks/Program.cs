using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Kohonen.Benchmarks.KernelBenchmarks).Assembly).Run(args);
