using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace HiApi.Client.Tests;

/// <summary>
/// The structure check that decides whether a download is a whole video: the real fixture passes, every cut of it
/// is "truncated" (resume), and pages, garbage and impossible sizes are "invalid" (start over, then give up).
/// </summary>
public sealed class Mp4StructureTests : IDisposable
{
    private static readonly byte[] Sample = EmulatorHarness.FixtureBytes();
    private readonly string _root = Directory.CreateTempSubdirectory("hiapi-mp4-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Mp4Check CheckBytes(byte[] bytes)
    {
        var path = Path.Combine(_root, Guid.NewGuid().ToString("n"));
        File.WriteAllBytes(path, bytes);
        return Mp4Structure.Check(path);
    }

    private static byte[] Box(string type, int payload)
    {
        var box = new byte[8 + payload];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        return box;
    }

    [Fact]
    public void TheRealFixture_IsWhole() => Assert.Equal(Mp4Check.Whole, CheckBytes(Sample));

    [Fact]
    public void TheTestServersSyntheticVideo_IsWhole() => Assert.Equal(Mp4Check.Whole, CheckBytes(PatternStream.Expected(300_000)));

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(36)]
    [InlineData(1614)]
    [InlineData(1620)]
    [InlineData(10_000)]
    [InlineData(25_915)]
    public void EveryCutOfTheFixture_IsTruncated(int length)
    {
        var check = CheckBytes(Sample[..length]);

        Assert.Equal(Mp4Verdict.Truncated, check.Verdict);
        Assert.False(string.IsNullOrEmpty(check.Problem));
    }

    [Fact]
    public void ACutInsideABox_SaysHowLongTheFileMustBe()
    {
        var check = CheckBytes(Sample[..10_000]);

        Assert.Contains("'mdat' at byte 1622", check.Problem);
        Assert.Contains($"needs {Sample.Length} bytes", check.Problem);
    }

    [Fact]
    public void BytesAfterTheLastBox_AreNotWhole()
    {
        // Three stray bytes cannot even hold a box header: as a prefix, more must follow.
        Assert.Equal(Mp4Verdict.Truncated, CheckBytes([.. Sample, 1, 2, 3]).Verdict);
        Assert.Equal(Mp4Check.Whole, CheckBytes([.. Sample, .. Box("free", 4)]));
    }

    [Fact]
    public void AnHtmlPage_IsInvalid()
    {
        var check = CheckBytes(Encoding.UTF8.GetBytes("<!DOCTYPE html><html><head><title>Sign in</title></head><body></body></html>"));

        Assert.Equal(Mp4Verdict.Invalid, check.Verdict);
        Assert.Equal("the file is not an MP4: first box 'CTYP'", check.Problem);
    }

    [Fact]
    public void AFirstBoxThatIsNotFtyp_IsInvalid()
    {
        var check = CheckBytes([.. Box("abcd", 8), .. Sample]);

        Assert.Equal(Mp4Check.Invalid("the file is not an MP4: first box 'abcd'"), check);
    }

    [Fact]
    public void AnUnprintableBoxType_IsInvalid_AndQuotedSafely()
    {
        var garbage = Box("free", 0);
        garbage[4] = 0x1B; // ESC: must not reach a terminal
        var check = CheckBytes([.. Sample[..32], .. garbage]);

        Assert.Equal(Mp4Verdict.Invalid, check.Verdict);
        Assert.Contains(@"'\x1bree'", check.Problem);
    }

    [Fact]
    public void ABoxSmallerThanItsHeader_IsInvalid()
    {
        var bytes = Sample.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(32), 4); // moov claims 4 bytes

        var check = CheckBytes(bytes);

        Assert.Equal(Mp4Verdict.Invalid, check.Verdict);
        Assert.Contains("'moov' at byte 32 claims 4 bytes", check.Problem);
    }

    [Fact]
    public void ABoxOvershootingTheFile_IsTruncated_SoACompleteTransferOfItIsInvalidToTheDownloader()
    {
        var bytes = Sample.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1622), 24_294 + 100);

        Assert.Equal(Mp4Verdict.Truncated, CheckBytes(bytes).Verdict);
    }

    [Fact]
    public void SizeZero_MeansToTheEndOfTheFile()
    {
        var bytes = Sample.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1622), 0);

        Assert.Equal(Mp4Check.Whole, CheckBytes(bytes));
    }

    [Fact]
    public void BoxesThatAddUp_WithoutTheMovieOrItsMedia_AreNotWhole()
    {
        // A body cut exactly between two boxes adds up too; it still lacks the movie or its media.
        Assert.Contains("neither a 'moov' nor an 'mdat'", CheckBytes(Sample[..32]).Problem);
        Assert.Contains("no 'mdat' box", CheckBytes(Sample[..1622]).Problem);
        var movieToTheEnd = Sample[..1614];
        BinaryPrimitives.WriteUInt32BigEndian(movieToTheEnd.AsSpan(32), 0);
        Assert.Equal(Mp4Verdict.Invalid, CheckBytes(movieToTheEnd).Verdict);
    }

    /// <summary>The fixture with its moov's child at <paramref name="offset"/> renamed: the box is still there, under another type.</summary>
    private static byte[] FixtureWithBoxRenamed(int offset, string type)
    {
        var bytes = Sample.ToArray();
        Encoding.ASCII.GetBytes(type).CopyTo(bytes, offset + 4);
        return bytes;
    }

    [Fact]
    public void AMovieWithoutItsHeader_IsInvalid()
    {
        var check = CheckBytes(FixtureWithBoxRenamed(40, "xxxx")); // the fixture's mvhd

        Assert.Equal(Mp4Check.Invalid("the file is not a whole MP4: the 'moov' box at byte 32 has no movie header ('mvhd')"), check);
    }

    [Fact]
    public void AMovieWithoutATrack_IsInvalid()
    {
        var check = CheckBytes(FixtureWithBoxRenamed(148, "free")); // the fixture's only trak

        Assert.Equal(Mp4Check.Invalid("the file is not a whole MP4: the 'moov' box at byte 32 has no track ('trak')"), check);
    }

    [Fact]
    public void ATrackWithoutItsHeader_IsInvalid()
    {
        var check = CheckBytes(FixtureWithBoxRenamed(156, "skip")); // the trak's tkhd

        Assert.Equal(
            Mp4Check.Invalid("the file is not a whole MP4: no 'trak' in the 'moov' box at byte 32 has a track header ('tkhd')"), check);
    }

    [Fact]
    public void AChildBoxOverrunningTheMovie_IsInvalid()
    {
        var bytes = Sample.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1516), 99 + 8); // udta, the moov's last child, claims 9 bytes too many

        var check = CheckBytes(bytes);

        Assert.Equal(Mp4Verdict.Invalid, check.Verdict);
        Assert.Contains("the box 'udta' at byte 1516 does not fit in its 'moov' box", check.Problem);
    }

    [Fact]
    public void AnEmptyMovie_IsInvalid_EvenWhenItIsTheLastBox()
    {
        // ftyp, mdat, then an 8-byte moov "to the end of the file".
        byte[] bytes = [.. Sample[..32], .. Box("mdat", 4), .. Box("moov", 0)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(44), 0);

        Assert.Contains("has no movie header", CheckBytes(bytes).Problem);
    }

    [Fact]
    public void AMovieCutShort_IsStillTruncated_NotInvalid() =>
        Assert.Equal(Mp4Verdict.Truncated, CheckBytes(Sample[..200]).Verdict);

    [Fact]
    public void ALargeSizeThatIsImpossible_IsInvalid()
    {
        var large = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(large, 1);
        "mdat"u8.CopyTo(large.AsSpan(4));
        BinaryPrimitives.WriteUInt64BigEndian(large.AsSpan(8), ulong.MaxValue);

        Assert.Equal(Mp4Verdict.Invalid, CheckBytes([.. Sample[..32], .. large]).Verdict);
    }

    [Fact]
    public void A64BitBoxOverSeveralGiB_IsCheckedFromItsHeadersAlone()
    {
        // A sparse 6 GiB file: reading it would take seconds and gigabytes; its two box headers take microseconds.
        const long length = 6L << 30;
        var path = Path.Combine(_root, "big.mp4");
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(PatternStream.Header(length));
            file.SetLength(length);
        }

        var stopwatch = Stopwatch.StartNew();
        var whole = Mp4Structure.Check(path);
        stopwatch.Stop();

        Assert.Equal(Mp4Check.Whole, whole);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed}");
        using var handle = File.OpenHandle(path);
        Assert.Equal(Mp4Verdict.Truncated, Mp4Structure.Check(handle, length - 1).Verdict);
    }
}
