-- GET one page as a logged-in user.  wrk … -s get.lua URL -- "<Cookie header>"
dofile((os.getenv("BENCH_LUA") or "bench/lua/") .. "common.lua")

function init(args)
   bad = 0
   wrk.headers["Cookie"] = args[1]
end

function response(status, headers, body)
   if status ~= 200 then
      bad = bad + 1
   end
end
