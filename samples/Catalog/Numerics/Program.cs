// The numerics catalog: each class trips NanGuard's NG1xxx rules at least once. Built, never run.
static class Program
{
    static void Main()
    {
        NumericsA.Run();
    }
}
