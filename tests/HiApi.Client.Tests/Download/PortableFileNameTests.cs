using System.Text;

namespace HiApi.Client.Tests;

/// <summary>
/// One file-name rule on every OS: what Windows, SMB and exFAT refuse is replaced or prefixed on Linux too, so the
/// same task id gives the same name on every machine. The expected names are written out: they are what every OS
/// must produce, whichever this test runs on.
/// </summary>
public sealed class PortableFileNameTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hiapi-name-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string SavedName(string taskId) => Path.GetFileName(SavePathResolver.ResolveTargetFile(_root, taskId));

    [Theory]
    [InlineData("tk*1", "tk_1.mp4")]
    [InlineData("tk?1", "tk_1.mp4")]
    [InlineData("tk\"1\"", "tk_1_.mp4")]
    [InlineData("<tk>", "_tk_.mp4")]
    [InlineData("tk|1", "tk_1.mp4")]
    [InlineData("tk:1", "tk_1.mp4")]
    [InlineData(@"tk\1", "tk_1.mp4")]
    [InlineData("a*b?c\"d<e>f|g", "a_b_c_d_e_f_g.mp4")]
    public void WhatWindowsRefuses_IsReplaced_OnEveryOS(string taskId, string expected) => Assert.Equal(expected, SavedName(taskId));

    [Theory]
    [InlineData("CON", "_CON.mp4")]
    [InlineData("con", "_con.mp4")]
    [InlineData("nul", "_nul.mp4")]
    [InlineData("Com1", "_Com1.mp4")]
    [InlineData("COM0", "_COM0.mp4")]
    [InlineData("lpt9", "_lpt9.mp4")]
    [InlineData("PRN", "_PRN.mp4")]
    [InlineData("aux", "_aux.mp4")]
    [InlineData("COM\u00b9", "_COM\u00b9.mp4")]
    [InlineData("lpt\u00b3", "_lpt\u00b3.mp4")]
    [InlineData("CONIN$", "_CONIN$.mp4")]
    [InlineData("conout$", "_conout$.mp4")]
    [InlineData("nul.tar", "_nul.tar.mp4")] // with an extension of its own: still the device
    [InlineData("CON .x", "_CON .x.mp4")] // Windows ignores the spaces before the dot
    [InlineData("CON.", "_CON.mp4")] // the trailing dot goes first
    public void DeviceNames_ArePrefixed_InAnyCase_WithOrWithoutAnExtension(string taskId, string expected) =>
        Assert.Equal(expected, SavedName(taskId));

    [Theory]
    [InlineData("CONSOLE")]
    [InlineData("COM10")]
    [InlineData("LPT")]
    [InlineData("NULL")]
    [InlineData("xCON")]
    [InlineData("COM\u2074")] // superscript four is no port
    public void NamesThatOnlyResembleADevice_AreKept(string taskId) => Assert.Equal(taskId + ".mp4", SavedName(taskId));

    [Theory]
    [InlineData("tk.", "tk.mp4")]
    [InlineData("tk. . ", "tk.mp4")]
    [InlineData("tk...", "tk.mp4")]
    [InlineData("...", "_.mp4")]
    [InlineData(".", "_.mp4")]
    [InlineData("..", "_.mp4")]
    public void TrailingDotsAndSpaces_AreTrimmed(string taskId, string expected) => Assert.Equal(expected, SavedName(taskId));

    [Fact]
    public void From_AppendsTheExtension_AfterTheRule()
    {
        Assert.Equal("_nul.mp4", PortableFileName.From("nul", ".mp4"));
        Assert.Equal("my clip_", PortableFileName.From(" my clip? . "));
        Assert.Equal("_", PortableFileName.From(""));
        Assert.Equal("_", PortableFileName.From("\u200e"));
    }

    [Fact]
    public void From_KeepsTheLongNameRule_TheExtensionIncluded()
    {
        var text = new string('x', 300);

        var name = PortableFileName.From(text, ".mp4");

        Assert.Equal(new string('x', 180) + "-" + ShortHash(text) + ".mp4", name);
        Assert.True(Encoding.UTF8.GetByteCount(name) <= PortableFileName.MaxUtf8Bytes);
        Assert.Equal(new string('x', 251) + ".mp4", PortableFileName.From(new string('x', 251), ".mp4"));
    }

    private static string ShortHash(string text) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 4).ToLowerInvariant();
}
