using System;
using System.IO;
using System.Linq;
using NanGuard.Docs;

// dotnet run --project tools/NanGuard.Docs [-- --check] [-- --root <repository>]
var check = false;
string? root = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--check":
            check = true;
            break;
        case "--root" when i + 1 < args.Length:
            root = args[++i];
            break;
        default:
            Console.Error.WriteLine("usage: " + DocsGenerator.Command + " [-- --check] [--root <repository>]");
            Console.Error.WriteLine("Rewrites the README's rule table and each docs/rules page's header from the rule descriptors;");
            Console.Error.WriteLine("--check writes nothing and exits 1 if a file is stale.");
            return 2;
    }
}

root ??= FindRoot(Directory.GetCurrentDirectory()) ?? FindRoot(AppContext.BaseDirectory);
if (root is null)
{
    Console.Error.WriteLine("error: NanGuard.Analyzers.sln not found above the current folder; pass --root <repository>");
    return 2;
}

var plan = DocsGenerator.Plan(DocsGenerator.ReadFiles(root), RuleCatalog.Load());
if (plan.Errors.Count > 0)
{
    foreach (var error in plan.Errors)
        Console.Error.WriteLine("error: " + error);
    return 2;
}

if (check)
{
    var stale = plan.Files.Where(f => f.IsStale).Select(f => f.Path).ToList();
    foreach (var path in stale)
        Console.WriteLine("stale: " + path);
    Console.WriteLine(stale.Count == 0 ? "docs are up to date" : "run: " + DocsGenerator.Command);
    return stale.Count == 0 ? 0 : 1;
}

var written = DocsGenerator.Write(root, plan);
foreach (var path in written)
    Console.WriteLine("wrote " + path);
Console.WriteLine(written.Count == 0 ? "docs are up to date" : $"{written.Count} of {plan.Files.Count} files rewritten");
return 0;

static string? FindRoot(string start)
{
    for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "NanGuard.Analyzers.sln")))
            return directory.FullName;
    }
    return null;
}
