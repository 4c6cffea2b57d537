namespace HiApi.Emulator.Tests.Support;

public static class Models
{
    public const string TextToVideo = "happyhorse-1.1/text-to-video";
    public const string ImageToVideo = "happyhorse-1.1/image-to-video";
}
