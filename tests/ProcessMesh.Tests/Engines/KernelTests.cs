using ProcessMesh.Contracts;
using ProcessMesh.Grains.Workloads;
using ProcessMesh.Grains.Workloads.Cpu;
using ProcessMesh.Grains.Workloads.Ring;
using ProcessMesh.Load;

namespace ProcessMesh.Tests.Engines;

public sealed class KernelTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void The_cpu_answer_in_closed_form_equals_the_computed_one(long work) =>
        Assert.Equal(CpuKernel.Range(0, work), CpuKernel.Expected(work));

    [Fact]
    public void Shares_cover_the_work_exactly_once()
    {
        foreach (var (total, parts) in new[] { (10L, 3), (7L, 7), (5L, 7), (1_000_003L, 16) })
        {
            var covered = Enumerable.Range(0, parts).Sum(i => WorkSplit.Share(total, parts, i));
            Assert.Equal(total, covered);
            for (var i = 1; i < parts; i++)
            {
                Assert.Equal(WorkSplit.Start(total, parts, i - 1) + WorkSplit.Share(total, parts, i - 1), WorkSplit.Start(total, parts, i));
            }
        }
    }

    [Fact]
    public void The_ring_answer_sums_each_hops_receiver() =>
        Assert.Equal(Enumerable.Range(1, 23).Aggregate(0UL, (s, h) => s + (ulong)(h % 5)), new RingWorkload().Expected(new RunSpec { Workload = Workload.Ring, Workers = 5, Work = 23 }));

    [Fact]
    public void Latencies_survive_encoding_and_merging()
    {
        var a = new LatencyRecorder();
        var b = new LatencyRecorder();
        for (var i = 1; i <= 1000; i++)
        {
            a.RecordNanoseconds(i * 1000L);
            b.RecordNanoseconds(i * 2000L);
        }

        var merged = LatencyRecorder.Merge([a.Encode(), b.Encode(), []]);
        var summary = merged.Summarize();

        Assert.Equal(2000, summary.Count);
        Assert.InRange(summary.P50, 660, 675); // v + v/2 = 1000 values at or below the median
        Assert.InRange(summary.Max, 1990, 2010);
        Assert.True(summary.P90 <= summary.P99 && summary.P99 <= summary.P999 && summary.P999 <= summary.Max);
    }

    [Fact]
    public void A_histogram_of_a_long_run_survives_encoding()
    {
        // A 6-s hosted load fills thousands of buckets from 1 µs to seconds. HdrHistogram 2.5.0's compressed
        // encoding read such histograms back short ("The buffer does not contain the indicated payload amount").
        var recorder = new LatencyRecorder();
        var random = new Random(7);
        for (var i = 0; i < 2_000_000; i++)
        {
            recorder.RecordNanoseconds((long)Math.Exp(random.NextDouble() * 22)); // 1 ns to 3.6 s, log-uniform
        }

        var decoded = LatencyRecorder.Decode(recorder.Encode());

        Assert.Equal(recorder.Summarize(), decoded.Summarize());
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("512", 512)]
    [InlineData("64KiB", 65536)]
    [InlineData("1.5 MB", 1572864)]
    [InlineData("2g", 2147483648)]
    public void Sizes_read_as_people_write_them(string text, long bytes)
    {
        Assert.True(Bytes.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("lots")]
    [InlineData("")]
    public void Nonsense_sizes_are_refused(string text) => Assert.False(Bytes.TryParse(text, out _));
}
